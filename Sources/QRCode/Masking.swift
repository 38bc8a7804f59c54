/// Data masking and its evaluation (ISO/IEC 18004:2015 §7.8).
enum Masking {
    static let patterns = 0..<8

    /// Whether mask `pattern` inverts the module in row `y`, column `x` (§7.8.2, Table 10, where
    /// i is the row and j the column).
    static func inverts(pattern: Int, x j: Int, y i: Int) -> Bool {
        switch pattern {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0  // 7
        }
    }

    /// XORs mask `pattern` into every data module; function modules are never masked (§7.8.1).
    /// Applying the same mask twice restores the grid.
    static func apply(pattern: Int, to grid: inout ModuleGrid) {
        for y in 0..<grid.size {
            for x in 0..<grid.size where !grid.isFunctionModule(x: x, y: y) && inverts(pattern: pattern, x: x, y: y) {
                grid[x, y].toggle()
            }
        }
    }

    // Penalty weights N1–N4 (§7.8.3.1, Table 11).
    static let n1 = 3
    static let n2 = 3
    static let n3 = 40
    static let n4 = 10

    /// The total penalty of a finished symbol (format information included) under the four rules
    /// of §7.8.3.1, Table 11. The encoder picks the mask with the lowest score.
    static func penalty(of grid: ModuleGrid) -> Int {
        var score = 0
        for index in 0..<grid.size {
            let row = (0..<grid.size).map { grid[$0, index] }
            let column = (0..<grid.size).map { grid[index, $0] }
            score += runPenalty(row) + runPenalty(column)
            score += finderLikePenalty(row) + finderLikePenalty(column)
        }
        return score + blockPenalty(grid) + balancePenalty(grid)
    }

    /// Rule 1: every run of five or more same-coloured modules in a row or column costs
    /// N1 + (length − 5).
    static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var runLength = 0
        for (index, module) in line.enumerated() {
            runLength = index > 0 && line[index - 1] == module ? runLength + 1 : 1
            let runEnds = index == line.count - 1 || line[index + 1] != module
            if runEnds && runLength >= 5 {
                score += n1 + runLength - 5
            }
        }
        return score
    }

    /// Rule 2: every 2 × 2 block of one colour costs N2. Overlapping blocks each count, so an
    /// m × n area scores N2 × (m − 1) × (n − 1), as the standard's note intends.
    static func blockPenalty(_ grid: ModuleGrid) -> Int {
        var score = 0
        for y in 0..<(grid.size - 1) {
            for x in 0..<(grid.size - 1) {
                let colour = grid[x, y]
                if grid[x + 1, y] == colour && grid[x, y + 1] == colour && grid[x + 1, y + 1] == colour {
                    score += n2
                }
            }
        }
        return score
    }

    /// Rule 3: every dark-light-dark-dark-dark-light-dark (1:1:3:1:1) sequence with four light
    /// modules on at least one side costs N3, since it looks like a finder pattern to a reader.
    /// Modules beyond the symbol's edge count as light: the quiet zone is (§6.3.8). Each
    /// 1:1:3:1:1 occurrence counts once even when both sides are light, as in ZXing's encoder.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let core = [true, false, true, true, true, false, true]
        func isLight(_ range: Range<Int>) -> Bool {
            range.allSatisfy { $0 < 0 || $0 >= line.count || !line[$0] }
        }
        var score = 0
        var start = 0
        while start + core.count <= line.count {
            if line[start..<(start + core.count)].elementsEqual(core)
                && (isLight((start - 4)..<start) || isLight((start + core.count)..<(start + core.count + 4)))
            {
                score += n3
            }
            start += 1
        }
        return score
    }

    /// Rule 4: N4 for every full 5 % by which the share of dark modules departs from 50 %.
    static func balancePenalty(_ grid: ModuleGrid) -> Int {
        let total = grid.size * grid.size
        let darkCount = grid.dark.lazy.filter { $0 }.count
        // |dark/total − 1/2| in units of 5 %, rounded down, without floating point.
        return abs(darkCount * 20 - total * 10) / total * n4
    }
}
