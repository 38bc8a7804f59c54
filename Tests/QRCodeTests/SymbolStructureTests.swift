import Testing

@testable import QRCode

@Suite("Function patterns and symbol layout")
struct SymbolStructureTests {
    /// Whether the 7 × 7 area at (left, top) is a finder pattern: dark ring, light ring, dark core.
    private func hasFinderPattern(_ code: QRCode, left: Int, top: Int) -> Bool {
        for dy in 0..<7 {
            for dx in 0..<7 {
                let ring = max(abs(dx - 3), abs(dy - 3))
                if code.isDark(x: left + dx, y: top + dy) != (ring != 2) {
                    return false
                }
            }
        }
        return true
    }

    @Test("size is 17 + 4 × version", arguments: [1, 2, 6, 7, 13, 27, 40])
    func size(version: Int) throws {
        let bytes = QRTables.byteCapacity(version: version, errorCorrection: .medium)
        let code = try QRCode(encoding: String(repeating: "q", count: bytes))
        #expect(code.version == version)
        #expect(code.size == 17 + 4 * version)
    }

    @Test("finder patterns sit in three corners with light separators, none bottom right")
    func finderPatterns() throws {
        let code = try QRCode(encoding: "https://mw.example.com/assets/6F1C/request")
        let far = code.size - 7
        #expect(hasFinderPattern(code, left: 0, top: 0))
        #expect(hasFinderPattern(code, left: far, top: 0))
        #expect(hasFinderPattern(code, left: 0, top: far))
        #expect(!hasFinderPattern(code, left: far, top: far))
        for i in 0..<8 {
            #expect(!code.isDark(x: 7, y: i) && !code.isDark(x: i, y: 7))  // top-left separator
            #expect(!code.isDark(x: code.size - 8, y: i))  // top-right separator
            #expect(!code.isDark(x: i, y: code.size - 8))  // bottom-left separator
        }
    }

    @Test("timing patterns alternate along row 6 and column 6, starting dark")
    func timingPatterns() throws {
        let code = try QRCode(encoding: String(repeating: "t", count: 200))
        for i in 8..<(code.size - 8) {
            #expect(code.isDark(x: i, y: 6) == (i % 2 == 0))
            #expect(code.isDark(x: 6, y: i) == (i % 2 == 0))
        }
    }

    @Test("the module at (8, size − 8) is always dark", arguments: ErrorCorrection.allCases)
    func darkModule(level: ErrorCorrection) throws {
        for mask in Masking.patterns {
            let code = try QRCode(encoding: "dark module", errorCorrection: level, forcedMask: mask)
            #expect(code.isDark(x: 8, y: code.size - 8))
        }
    }

    @Test("alignment patterns sit at the Table E.1 centres of version 7, not over the finders")
    func alignmentPatterns() throws {
        let code = try QRCode(encoding: String(repeating: "a", count: 107), errorCorrection: .medium)
        try #require(code.version == 7)
        for (cx, cy) in [(22, 6), (6, 22), (22, 22), (38, 22), (22, 38), (38, 38)] {
            for dy in -2...2 {
                for dx in -2...2 {
                    #expect(code.isDark(x: cx + dx, y: cy + dy) == (max(abs(dx), abs(dy)) != 1), "pattern at \(cx), \(cy)")
                }
            }
        }
    }

    @Test("both copies of the format information carry the level and mask", arguments: ErrorCorrection.allCases)
    func formatInformationCopies(level: ErrorCorrection) throws {
        for mask in Masking.patterns {
            let code = try QRCode(encoding: "format", errorCorrection: level, forcedMask: mask)
            let n = code.size
            // Bit 14 (most significant) first, so that the result reads as the format word.
            let firstPositions =
                (0...5).map { (x: $0, y: 8) } + [(x: 7, y: 8), (x: 8, y: 8), (x: 8, y: 7)]
                + (0...5).reversed().map { (x: 8, y: $0) }
            let secondPositions = (0...6).map { (x: 8, y: n - 1 - $0) } + (0...7).map { (x: n - 8 + $0, y: 8) }
            func read(_ positions: [(x: Int, y: Int)]) -> Int {
                positions.reduce(0) { $0 << 1 | (code.isDark(x: $1.x, y: $1.y) ? 1 : 0) }
            }
            let expected = FormatInformation.formatBits(errorCorrection: level, mask: mask)
            #expect(read(firstPositions) == expected, "first copy, mask \(mask)")
            #expect(read(secondPositions) == expected, "second copy, mask \(mask)")
        }
    }

    @Test("versions 7 and up carry both copies of the version information; version 6 has none")
    func versionInformation() throws {
        let code = try QRCode(encoding: String(repeating: "v", count: 107))  // 106 bytes is the 6-M maximum
        try #require(code.version == 7)
        let n = code.size
        // §7.10: the top-right block is 6 rows × 3 columns, bit 0 at (n − 11, 0), bits running
        // across the 3 columns first; the bottom-left block is its transpose.
        var topRight = 0
        var bottomLeft = 0
        for i in (0..<18).reversed() {
            topRight = topRight << 1 | (code.isDark(x: n - 11 + i % 3, y: i / 3) ? 1 : 0)
            bottomLeft = bottomLeft << 1 | (code.isDark(x: i / 3, y: n - 11 + i % 3) ? 1 : 0)
        }
        #expect(topRight == 0b00_0111_1100_1001_0100)
        #expect(bottomLeft == 0b00_0111_1100_1001_0100)

        let version6 = try QRCode(encoding: String(repeating: "v", count: 106))
        try #require(version6.version == 6)
        // In version 6 that area is data: the generator must not have reserved it, so these modules
        // are not all light under every mask.
        let areaIsAlwaysLight = Masking.patterns.allSatisfy { mask in
            let code = try? QRCode(encoding: String(repeating: "v", count: 106), errorCorrection: .medium, forcedMask: mask)
            return (0..<18).allSatisfy { code?.isDark(x: version6.size - 11 + $0 % 3, y: $0 / 3) == false }
        }
        #expect(!areaIsAlwaysLight)
    }

    @Test("coordinates outside the symbol read as light")
    func outsideIsLight() throws {
        let code = try QRCode(encoding: "edge")
        #expect(code.isDark(x: 0, y: 0))
        #expect(!code.isDark(x: -1, y: 0))
        #expect(!code.isDark(x: 0, y: code.size))
        #expect(!code.isDark(x: code.size, y: code.size - 1))
    }

    @Test("the default level is M and the reported properties match the symbol")
    func properties() throws {
        let code = try QRCode(encoding: "https://mw.example.com/assets/6F1C/request")
        #expect(code.errorCorrection == .medium)
        #expect(code.version == 3)
        #expect(code.size == 29)
        #expect(Masking.patterns.contains(code.mask))
    }
}
