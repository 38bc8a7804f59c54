/// Turns the text into the final codeword sequence of a symbol: an ECI header when needed, one
/// byte-mode segment, terminator and padding (ISO/IEC 18004:2015 §7.4), then error correction and
/// interleaving (§7.5, §7.6).
enum DataEncoding {
    /// Byte mode indicator 0100 (ISO/IEC 18004:2015 Table 2).
    static let byteModeIndicator = 0b0100
    /// ECI mode indicator 0111 (ISO/IEC 18004:2015 Table 2).
    static let eciModeIndicator = 0b0111
    /// ECI assignment number 26, UTF-8 (AIM ECI specification). Numbers up to 127 take a single
    /// designator codeword 0bbbbbbb (ISO/IEC 18004:2015 §7.4.2, Table 4).
    static let utf8AssignmentNumber = 26
    /// Length of the ECI header: mode indicator plus one designator codeword.
    static let utf8HeaderBits = 4 + 8

    /// Bits in front of the byte segment for `bytes`. Without an ECI header a reader must take byte
    /// mode data as ISO/IEC 8859-1 (the default, ECI 000003), which only agrees with UTF-8
    /// for ASCII; readers that guess instead may pick Shift JIS (zbar does). So text with any byte
    /// ≥ 0x80 gets the UTF-8 ECI header, and ASCII, such as every asset URL, goes without it, which
    /// keeps the widest reader support and 12 bits of capacity.
    static func headerBits(for bytes: [UInt8]) -> Int {
        bytes.contains { $0 >= 0x80 } ? utf8HeaderBits : 0
    }

    /// Pad codewords 11101100 and 00010001, used alternately to fill the data capacity (§7.4.10).
    static let padCodewords: [UInt8] = [0xEC, 0x11]

    /// The data codewords (before error correction) for `bytes` in byte mode. The caller has
    /// checked that `bytes` fit the version and level.
    static func dataCodewords(for bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let capacity = QRTables.dataCodewords(version: version, errorCorrection: errorCorrection)
        var bits = BitBuffer()
        if headerBits(for: bytes) > 0 {
            bits.append(eciModeIndicator, count: 4)
            bits.append(utf8AssignmentNumber, count: 8)
        }
        bits.append(byteModeIndicator, count: 4)
        bits.append(bytes.count, count: QRTables.byteCountIndicatorBits(version: version))
        for byte in bytes {
            bits.append(Int(byte), count: 8)
        }
        // Terminator: up to four 0 bits, fewer if the symbol is full (§7.4.9).
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        // Then 0 bits up to the next codeword boundary (§7.4.10).
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad = 0
        while codewords.count < capacity {
            codewords.append(padCodewords[pad % 2])
            pad += 1
        }
        return codewords
    }

    /// Splits the data codewords into blocks, appends each block's Reed–Solomon codewords and
    /// interleaves them into the order they are placed in the matrix (ISO/IEC 18004:2015 §7.5.2, §7.6).
    static func finalCodewords(data: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let level = errorCorrection.tableIndex
        let blockCount = QRTables.blockCount[level][version]
        let eccPerBlock = QRTables.eccCodewordsPerBlock[level][version]
        // Table 9 lists up to two groups of blocks; the second group's blocks hold one data codeword
        // more than the first's. Both follow from the totals: the remainder of the division is the
        // number of longer blocks, and they come last.
        let shortLength = data.count / blockCount
        let longBlockCount = data.count % blockCount
        let shortBlockCount = blockCount - longBlockCount

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blockCount {
            let length = shortLength + (index < shortBlockCount ? 0 : 1)
            let block = data[start..<(start + length)]
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.errorCorrection(for: Array(block), count: eccPerBlock))
            start += length
        }

        // Interleave: codeword i of every block in turn, data first, then ECC (§7.6).
        // Short blocks simply have no codeword at index shortLength.
        var result: [UInt8] = []
        result.reserveCapacity(data.count + blockCount * eccPerBlock)
        for i in 0...shortLength {
            for block in dataBlocks where i < block.count {
                result.append(block[block.startIndex + i])
            }
        }
        for i in 0..<eccPerBlock {
            for block in eccBlocks {
                result.append(block[i])
            }
        }
        return result
    }
}

/// A growable sequence of bits, most significant bit first, as the bit stream of §7.4 is written.
struct BitBuffer {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    /// Appends the low `count` bits of `value`, most significant first.
    mutating func append(_ value: Int, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            bits.append((value >> shift) & 1 == 1)
        }
    }

    /// The bits packed into bytes; a partial last byte is padded with 0 bits.
    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit {
            result[index / 8] |= 0x80 >> UInt8(index % 8)
        }
        return result
    }
}
