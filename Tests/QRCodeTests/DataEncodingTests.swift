import Testing

@testable import QRCode

@Suite("Data codewords, blocks and interleaving")
struct DataEncodingTests {
    @Test("\"hi\" at 1-M: mode 0100, count 00000010, the bytes, terminator, then pad codewords 0xEC 0x11")
    func shortTextIsPadded() {
        let codewords = DataEncoding.dataCodewords(for: Array("hi".utf8), version: 1, errorCorrection: .medium)
        #expect(codewords == [0x40, 0x26, 0x86, 0x90, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11])
    }

    @Test("14 bytes fill 1-M exactly: the 4-bit terminator ends on the last codeword, no pad codewords")
    func fullSymbolHasNoPadding() {
        let bytes = Array("ABCDEFGHIJKLMN".utf8)
        let codewords = DataEncoding.dataCodewords(for: bytes, version: 1, errorCorrection: .medium)
        #expect(codewords.count == 16)
        #expect(codewords.first == 0x40)  // mode 0100, then the high nibble of the count 14 = 00001110
        #expect(codewords[1] == 0xE4)  // low nibble 1110, then the high nibble of "A" = 0x41
        #expect(codewords.last == 0xE0)  // low nibble of "N" = 0x4E, then the terminator 0000
    }

    @Test("non-ASCII text starts with the ECI header 0111 00011010 declaring UTF-8 (assignment number 26)")
    func utf8Header() {
        let codewords = DataEncoding.dataCodewords(for: Array("é".utf8), version: 1, errorCorrection: .medium)
        // 0111 00011010 | 0100 00000010 | 11000011 10101001 | 0000, then pad codewords.
        #expect(Array(codewords.prefix(6)) == [0x71, 0xA4, 0x02, 0xC3, 0xA9, 0x00])
        #expect(codewords[6] == 0xEC)
    }

    @Test("ASCII text has no ECI header")
    func asciiHasNoHeader() {
        #expect(DataEncoding.headerBits(for: Array("https://mw.example.com/assets/6F1C".utf8)) == 0)
        #expect(DataEncoding.headerBits(for: Array("日本".utf8)) == 12)
    }

    @Test("from version 10 the count takes 16 bits")
    func sixteenBitCount() {
        let codewords = DataEncoding.dataCodewords(for: [0x7F], version: 10, errorCorrection: .medium)
        #expect(Array(codewords.prefix(4)) == [0x40, 0x00, 0x17, 0xF0])  // 0100 0000000000000001 01111111 0000
    }

    @Test("version 5-H interleaves two blocks of 11 and two of 12 data codewords, the short blocks first")
    func interleavingVersion5High() {
        // 5-H (Table 9): 2 blocks of (33, 11) and 2 blocks of (34, 12), 22 ECC codewords each.
        let data = (0..<46).map { UInt8($0) }
        let blocks = [Array(data[0..<11]), Array(data[11..<22]), Array(data[22..<34]), Array(data[34..<46])]
        let final = DataEncoding.finalCodewords(data: data, version: 5, errorCorrection: .high)
        #expect(final.count == QRTables.totalCodewords(version: 5))

        var expectedData: [UInt8] = []
        for i in 0..<11 {
            expectedData += blocks.map { $0[i] }
        }
        expectedData += [33, 45]  // only the longer blocks have a twelfth codeword
        #expect(Array(final.prefix(46)) == expectedData)

        let ecc = blocks.map { ReedSolomon.errorCorrection(for: $0, count: 22) }
        var expectedECC: [UInt8] = []
        for i in 0..<22 {
            expectedECC += ecc.map { $0[i] }
        }
        #expect(Array(final.suffix(88)) == expectedECC)
    }

    @Test("a single-block symbol is its data followed by the ECC")
    func singleBlock() {
        let data = DataEncoding.dataCodewords(for: Array("hi".utf8), version: 1, errorCorrection: .medium)
        let final = DataEncoding.finalCodewords(data: data, version: 1, errorCorrection: .medium)
        #expect(final == data + ReedSolomon.errorCorrection(for: data, count: 10))
    }

    @Test("every version and level yields exactly the symbol's codeword count")
    func codewordCounts() {
        for level in ErrorCorrection.allCases {
            for version in QRTables.versions {
                let capacity = QRTables.byteCapacity(version: version, errorCorrection: level)
                let data = DataEncoding.dataCodewords(
                    for: [UInt8](repeating: 0x41, count: capacity), version: version, errorCorrection: level)
                #expect(data.count == QRTables.dataCodewords(version: version, errorCorrection: level))
                let final = DataEncoding.finalCodewords(data: data, version: version, errorCorrection: level)
                #expect(final.count == QRTables.totalCodewords(version: version), "version \(version)-\(level.rawValue)")
            }
        }
    }
}
