import Testing

@testable import QRCode

@Suite("Data masks and penalty rules")
struct MaskingTests {
    /// A grid from rows of "#" (dark) and "." (light).
    private func grid(_ rows: [String]) -> ModuleGrid {
        var grid = ModuleGrid(size: rows.count)
        for (y, row) in rows.enumerated() {
            for (x, character) in row.enumerated() {
                grid[x, y] = character == "#"
            }
        }
        return grid
    }

    private func line(_ pattern: String) -> [Bool] { pattern.map { $0 == "#" } }

    @Test("Table 10 uses i for the row and j for the column: mask 1 stripes rows, mask 2 stripes columns")
    func maskOrientation() {
        // Mask 1: i mod 2 = 0, so whole even rows are inverted.
        #expect(Masking.inverts(pattern: 1, x: 5, y: 0))
        #expect(!Masking.inverts(pattern: 1, x: 0, y: 1))
        // Mask 2: j mod 3 = 0, so every third column is inverted.
        #expect(Masking.inverts(pattern: 2, x: 3, y: 1))
        #expect(!Masking.inverts(pattern: 2, x: 1, y: 3))
        // Mask 4: (⌊i/2⌋ + ⌊j/3⌋) mod 2 = 0 is not symmetric either.
        #expect(Masking.inverts(pattern: 4, x: 2, y: 0))
        #expect(!Masking.inverts(pattern: 4, x: 0, y: 2))
    }

    @Test("the top-left modules of each mask pattern match Table 10, drawn out by hand", arguments: Masking.patterns)
    func maskPatternsFirstRows(pattern: Int) {
        let expected = [
            ["#.#.#.", ".#.#.#", "#.#.#."],
            ["######", "......", "######"],
            ["#..#..", "#..#..", "#..#.."],
            ["#..#..", "..#..#", ".#..#."],
            ["###...", "###...", "...###"],
            ["######", "#.....", "#..#..", "#.#.#.", "#..#..", "#....."],
            ["######", "###...", "##.##.", "#.#.#.", "#.##.#", "#...##"],
            ["#.#.#.", "...###", "#...##", ".#.#.#", "###...", ".###.."],
        ][pattern]
        for (y, row) in expected.enumerated() {
            let drawn = String((0..<6).map { Masking.inverts(pattern: pattern, x: $0, y: y) ? "#" : "." })
            #expect(drawn == row, "mask \(pattern), row \(y)")
        }
    }

    @Test("masking skips function modules and applying it twice restores the grid")
    func maskIsAnInvolutionOnDataOnly() throws {
        let (_, unmasked) = try QRCode.unmaskedSymbol(for: Array("mask me".utf8), errorCorrection: .medium)
        for pattern in Masking.patterns {
            var grid = unmasked
            Masking.apply(pattern: pattern, to: &grid)
            for y in 0..<grid.size {
                for x in 0..<grid.size where grid.isFunctionModule(x: x, y: y) {
                    #expect(grid[x, y] == unmasked[x, y])
                }
            }
            Masking.apply(pattern: pattern, to: &grid)
            #expect(grid.dark == unmasked.dark)
        }
    }

    @Test(
        "rule 1: a run of 5 + i same-coloured modules costs 3 + i",
        arguments: [
            ("#.#.#.#.", 0),
            ("####.#.#", 0),
            ("#####.#.", 3),
            ("######.#", 4),
            ("#####.....", 6),  // two runs of five, one of each colour
            ("..........", 8),
        ]
    )
    func rule1(pattern: String, expected: Int) {
        #expect(Masking.runPenalty(line(pattern)) == expected)
    }

    @Test("rule 2: every 2 × 2 block of one colour costs 3, overlapping blocks included")
    func rule2() {
        #expect(Masking.blockPenalty(grid(["#.#", ".#.", "#.#"])) == 0)
        #expect(Masking.blockPenalty(grid(["##.", "##.", "#.#"])) == 3)  // one dark block
        #expect(Masking.blockPenalty(grid(["...", "...", "..."])) == 12)  // a 3 × 3 area is (3 − 1) × (3 − 1) blocks
    }

    @Test(
        "rule 3: 1:1:3:1:1 with four light modules on either side costs 40, once per occurrence",
        arguments: [
            ("#.###.#....", 40),  // light after
            ("....#.###.#", 40),  // light before
            ("....#.###.#....", 40),  // light on both sides still counts once
            ("#.###.#", 40),  // at the symbol's edge the quiet zone supplies the light modules
            ("#..#.###.#..#", 0),  // only two light modules on each side
            ("##.###.##", 0),  // 2:1:3:1:2 is not the pattern
            ("....#.###.#....#.###.#", 80),  // two occurrences sharing the light run
        ]
    )
    func rule3(pattern: String, expected: Int) {
        #expect(Masking.finderLikePenalty(line(pattern)) == expected)
    }

    @Test(
        "rule 4: 10 points per full 5 % away from half dark",
        arguments: [(50, 0), (54, 0), (55, 10), (45, 10), (44, 10), (40, 20), (61, 20), (100, 100), (0, 100)]
    )
    func rule4(darkCount: Int, expected: Int) {
        var grid = ModuleGrid(size: 10)
        for index in 0..<darkCount {
            grid[index % 10, index / 10] = true
        }
        #expect(Masking.balancePenalty(grid) == expected)
    }

    @Test(
        "the chosen mask has the lowest penalty of all eight, the lowest number on a tie",
        arguments: ["Pump P-101", "https://mw.example.com/assets/6F1C0A2B/request", "Grüße, 日本", String(repeating: "0", count: 200)]
    )
    func chosenMaskIsTheMinimum(text: String) throws {
        for level in ErrorCorrection.allCases {
            let (_, unmasked) = try QRCode.unmaskedSymbol(for: Array(text.utf8), errorCorrection: level)
            let penalties = Masking.patterns.map { QRCode.masked(unmasked, mask: $0, errorCorrection: level).penalty }
            let best = try #require(penalties.min())
            let code = try QRCode(encoding: text, errorCorrection: level)
            #expect(code.mask == penalties.firstIndex(of: best))
        }
    }

    @Test("a forced mask is used as given")
    func forcedMask() throws {
        for mask in Masking.patterns {
            #expect(try QRCode(encoding: "forced", errorCorrection: .low, forcedMask: mask).mask == mask)
        }
    }
}
