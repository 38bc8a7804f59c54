/// Constants from ISO/IEC 18004:2015 that depend on the version and error correction level.
enum QRTables {
    static let versions = 1...40

    /// Error correction codewords per block, by level (L, M, Q, H) and version (index 0 unused).
    /// ISO/IEC 18004:2015 Table 9, column "number of error correction codewords" divided by the
    /// number of blocks: every block of one symbol has the same number of ECC codewords.
    static let eccCodewordsPerBlock: [[Int]] = [
        [
            -1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            -1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            -1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    /// Number of error correction blocks, by level (L, M, Q, H) and version (index 0 unused).
    /// ISO/IEC 18004:2015 Table 9, the sum of the block counts of both groups.
    static let blockCount: [[Int]] = [
        [
            -1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            -1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            -1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]

    /// Row/column centres of the alignment patterns (ISO/IEC 18004:2015 Annex E, Table E.1).
    /// Patterns sit at every combination of two coordinates except the three that would overlap
    /// a finder pattern.
    static let alignmentPatternCentres: [[Int]] = [
        [],
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
        [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// Modules per side: 21 for version 1, four more per version (ISO/IEC 18004:2015 §6.3.1).
    static func size(version: Int) -> Int { 17 + 4 * version }

    /// Total codewords (data + ECC) a symbol holds, as ISO/IEC 18004:2015 Table 1 lists them.
    /// Rather than copy the column, count it: every module that is not a finder, separator,
    /// timing, alignment, format or version module carries data. Leftover "remainder bits"
    /// (0, 3, 4 or 7 of them) do not make a whole codeword and are dropped.
    static func totalCodewords(version: Int) -> Int {
        let size = size(version: version)
        var modules = size * size
        modules -= 3 * 64  // three finder patterns with their separators, 8 × 8 each
        modules -= 2 * (size - 16)  // the two timing patterns between the separators
        modules -= 31  // two copies of the 15 format bits, plus the single dark module
        let alignmentCount = alignmentPatternCentres[version].count
        if alignmentCount > 0 {
            let patterns = alignmentCount * alignmentCount - 3
            modules -= 25 * patterns
            // Alignment patterns in row/column 6 each cover 5 timing modules already subtracted.
            modules += 2 * 5 * (alignmentCount - 2)
        }
        if version >= 7 {
            modules -= 2 * 18  // two copies of the version information (§7.10)
        }
        return modules / 8
    }

    /// Data codewords of a symbol: the total minus the error correction codewords (Table 9).
    static func dataCodewords(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let level = errorCorrection.tableIndex
        return totalCodewords(version: version) - eccCodewordsPerBlock[level][version] * blockCount[level][version]
    }

    /// Length of the byte-mode character count indicator (ISO/IEC 18004:2015 Table 3).
    static func byteCountIndicatorBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Most bytes a single byte-mode segment can carry: the data capacity less the 4-bit mode
    /// indicator and the character count indicator (ISO/IEC 18004:2015 Table 7, "Byte" column),
    /// and less `headerBits` for anything in front of the segment, such as an ECI header.
    static func byteCapacity(version: Int, errorCorrection: ErrorCorrection, headerBits: Int = 0) -> Int {
        let bits = dataCodewords(version: version, errorCorrection: errorCorrection) * 8
        return (bits - headerBits - 4 - byteCountIndicatorBits(version: version)) / 8
    }
}
