import Testing

@testable import QRCode

@Suite("Format and version information")
struct FormatInformationTests {
    /// `value` as `width` binary digits, most significant first, as the standard prints bit strings.
    private func bitString(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 2)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    @Test("format word for level M, mask 101 is the Annex C worked example 100000011001110")
    func annexCExample() {
        #expect(bitString(FormatInformation.formatBits(errorCorrection: .medium, mask: 0b101), width: 15) == "100000011001110")
    }

    @Test(
        "format words from ISO/IEC 18004 Annex C, Table C.1",
        arguments: [
            (ErrorCorrection.medium, 0, "101010000010010"),  // all-zero data leaves only the XOR mask
            (.low, 0, "111011111000100"),
            (.low, 7, "110100101110110"),
            (.quartile, 3, "011101000000110"),
            (.high, 0, "001011010001001"),
            (.high, 7, "000100000111011"),
        ]
    )
    func formatWords(level: ErrorCorrection, mask: Int, expected: String) {
        #expect(bitString(FormatInformation.formatBits(errorCorrection: level, mask: mask), width: 15) == expected)
    }

    @Test("all 32 format words are distinct and at Hamming distance ≥ 7 from each other")
    func formatWordsAreAWellSpreadCode() {
        let words = ErrorCorrection.allCases.flatMap { level in
            Masking.patterns.map { FormatInformation.formatBits(errorCorrection: level, mask: $0) }
        }
        for (i, a) in words.enumerated() {
            for b in words[(i + 1)...] {
                #expect((a ^ b).nonzeroBitCount >= 7)
            }
        }
    }

    @Test(
        "version words from ISO/IEC 18004 Annex D, Table D.1",
        arguments: [
            (7, "000111110010010100"),  // the Annex D worked example
            (8, "001000010110111100"),
            (21, "010101011010000011"),
            (40, "101000110001101001"),
        ]
    )
    func versionWords(version: Int, expected: String) {
        #expect(bitString(FormatInformation.versionBits(version: version), width: 18) == expected)
    }
}
