import Testing

@testable import QRCode

@Suite("Capacity and version selection")
struct VersionSelectionTests {
    @Test(
        "total codewords per version match ISO/IEC 18004 Table 1",
        arguments: [(1, 26), (2, 44), (6, 172), (7, 196), (10, 346), (14, 581), (21, 1156), (40, 3706)]
    )
    func totalCodewords(version: Int, expected: Int) {
        #expect(QRTables.totalCodewords(version: version) == expected)
    }

    @Test(
        "byte-mode capacities match ISO/IEC 18004 Table 7",
        arguments: [
            (1, ErrorCorrection.low, 17), (1, .medium, 14), (1, .quartile, 11), (1, .high, 7),
            (10, .low, 271), (10, .medium, 213), (10, .quartile, 151), (10, .high, 119),
            (40, .low, 2953), (40, .medium, 2331), (40, .quartile, 1663), (40, .high, 1273),
        ]
    )
    func byteCapacity(version: Int, level: ErrorCorrection, expected: Int) {
        #expect(QRTables.byteCapacity(version: version, errorCorrection: level) == expected)
    }

    @Test("capacity grows with the version and shrinks with the error correction level")
    func capacityIsMonotonic() {
        for level in ErrorCorrection.allCases {
            for version in 2...40 {
                #expect(
                    QRTables.byteCapacity(version: version, errorCorrection: level)
                        > QRTables.byteCapacity(version: version - 1, errorCorrection: level))
            }
        }
        for version in QRTables.versions {
            let capacities = ErrorCorrection.allCases.map { QRTables.byteCapacity(version: version, errorCorrection: $0) }
            #expect(capacities == capacities.sorted(by: >))
        }
    }

    @Test("14 bytes fit version 1-M, 15 need version 2")
    func version1MediumBoundary() throws {
        #expect(try QRCode(encoding: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(encoding: String(repeating: "a", count: 15)).version == 2)
    }

    @Test("the byte-count indicator grows from 8 to 16 bits at version 10, which costs a byte of capacity")
    func countIndicatorWidthChange() throws {
        #expect(QRTables.byteCountIndicatorBits(version: 9) == 8)
        #expect(QRTables.byteCountIndicatorBits(version: 10) == 16)
        let capacity9 = QRTables.byteCapacity(version: 9, errorCorrection: .medium)
        #expect(try QRCode(encoding: String(repeating: "a", count: capacity9)).version == 9)
        #expect(try QRCode(encoding: String(repeating: "a", count: capacity9 + 1)).version == 10)
    }

    @Test("UTF-8 bytes, not characters, are counted, plus 12 bits of ECI header: 13 bytes of non-ASCII text fit 1-M")
    func countsUTF8BytesAndHeader() throws {
        #expect(try QRCode(encoding: String(repeating: "ä", count: 6) + "a").version == 1)  // 13 bytes
        #expect(try QRCode(encoding: String(repeating: "ä", count: 7)).version == 2)  // 14 bytes
    }

    @Test("non-ASCII text holds one byte less: 2952 bytes at 40-L")
    func nonASCIIMaximum() throws {
        let text = "é" + String(repeating: "x", count: 2950)  // 2952 bytes
        #expect(try QRCode(encoding: text, errorCorrection: .low).version == 40)
        #expect(throws: QRCodeError.dataTooLong(bytes: 2953, maximum: 2952)) {
            try QRCode(encoding: text + "x", errorCorrection: .low)
        }
    }

    @Test("2953 bytes fit version 40-L; 2954 bytes throw dataTooLong")
    func version40LowBoundary() throws {
        let code = try QRCode(encoding: String(repeating: "x", count: 2953), errorCorrection: .low)
        #expect(code.version == 40)
        #expect(code.size == 177)
        #expect(throws: QRCodeError.dataTooLong(bytes: 2954, maximum: 2953)) {
            try QRCode(encoding: String(repeating: "x", count: 2954), errorCorrection: .low)
        }
    }

    @Test("the error names the level's own maximum: 1273 bytes at H")
    func dataTooLongAtHigh() {
        #expect(throws: QRCodeError.dataTooLong(bytes: 1274, maximum: 1273)) {
            try QRCode(encoding: String(repeating: "x", count: 1274), errorCorrection: .high)
        }
    }

    @Test("the smallest fitting version is chosen for every version and level, with and without the ECI header")
    func smallestVersionForEveryCapacity() throws {
        for level in ErrorCorrection.allCases {
            for version in QRTables.versions {
                let ascii = QRTables.byteCapacity(version: version, errorCorrection: level)
                #expect(try QRCode.smallestVersion(for: [UInt8](repeating: 0x41, count: ascii), errorCorrection: level) == version)
                let utf8 = [UInt8](repeating: 0xC3, count: ascii - 1)
                #expect(try QRCode.smallestVersion(for: utf8, errorCorrection: level) == version)
                if version < 40 {
                    #expect(
                        try QRCode.smallestVersion(for: [UInt8](repeating: 0x41, count: ascii + 1), errorCorrection: level) == version + 1)
                    #expect(try QRCode.smallestVersion(for: utf8 + [0xC3], errorCorrection: level) == version + 1)
                }
            }
        }
    }

    @Test("empty text encodes as version 1")
    func emptyText() throws {
        let code = try QRCode(encoding: "", errorCorrection: .high)
        #expect(code.version == 1)
        #expect(code.size == 21)
    }
}
