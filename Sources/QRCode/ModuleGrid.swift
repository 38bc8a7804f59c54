/// A square of modules under construction, with a second layer that marks function modules
/// (finder, separator, timing, alignment, format and version), which data and masking must skip.
/// Coordinates are x (column, left to right) and y (row, top to bottom), from 0.
struct ModuleGrid {
    let size: Int
    private(set) var dark: [Bool]
    private(set) var isFunction: [Bool]

    init(size: Int) {
        self.size = size
        dark = [Bool](repeating: false, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        get { dark[y * size + x] }
        set { dark[y * size + x] = newValue }
    }

    func isFunctionModule(x: Int, y: Int) -> Bool { isFunction[y * size + x] }

    mutating func setFunctionModule(x: Int, y: Int, dark isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }
}

extension ModuleGrid {
    /// A grid with all function patterns of `version` drawn and the format and version areas
    /// reserved (drawn light); data modules are all light.
    static func withFunctionPatterns(version: Int) -> ModuleGrid {
        var grid = ModuleGrid(size: QRTables.size(version: version))
        grid.drawTimingPatterns()
        grid.drawFinderPattern(centreX: 3, centreY: 3)
        grid.drawFinderPattern(centreX: grid.size - 4, centreY: 3)
        grid.drawFinderPattern(centreX: 3, centreY: grid.size - 4)
        grid.drawAlignmentPatterns(version: version)
        // Reserve the format areas now so that data placement skips them; the real bits are
        // drawn once the mask is known.
        grid.drawFormatInformation(0)
        grid.drawVersionInformation(version: version)
        return grid
    }

    /// Timing patterns: alternating modules along row 6 and column 6, dark on even indices
    /// (ISO/IEC 18004:2015 §6.3.5). Drawn first over the full length; finders overwrite the ends.
    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunctionModule(x: 6, y: i, dark: i % 2 == 0)
            setFunctionModule(x: i, y: 6, dark: i % 2 == 0)
        }
    }

    /// A 7 × 7 finder pattern (dark ring, light ring, dark 3 × 3 core) plus its one-module light
    /// separator, clipped at the symbol's edge (ISO/IEC 18004:2015 §6.3.3, §6.3.4).
    private mutating func drawFinderPattern(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx
                let y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                // Chebyshev distance from the centre: 0–1 core, 2 light ring, 3 dark ring, 4 separator.
                let distance = max(abs(dx), abs(dy))
                setFunctionModule(x: x, y: y, dark: distance != 2 && distance != 4)
            }
        }
    }

    /// 5 × 5 alignment patterns at every pair of centres from Table E.1, except where they would
    /// overlap a finder pattern (ISO/IEC 18004:2015 §6.3.6).
    private mutating func drawAlignmentPatterns(version: Int) {
        let centres = QRTables.alignmentPatternCentres[version]
        guard let first = centres.first, let last = centres.last else { return }
        for cy in centres {
            for cx in centres {
                let overlapsFinder = (cx == first && cy == first) || (cx == first && cy == last) || (cx == last && cy == first)
                if overlapsFinder { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunctionModule(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// Draws both copies of the 15-bit format word and the dark module (ISO/IEC 18004:2015
    /// §7.9.1), bit 0 being the least significant. First copy, around the top-left finder: bits
    /// 0–7 down column 8, bits 8–14 leftwards along row 8. Second copy: bits 0–7 leftwards along
    /// row 8 from the right edge, under the top-right finder; bits 8–14 down column 8 to the bottom
    /// edge, beside the bottom-left finder.
    mutating func drawFormatInformation(_ bits: Int) {
        func bit(_ i: Int) -> Bool { bits >> i & 1 == 1 }
        // First copy, around the top-left finder; the timing pattern at row/column 6 is skipped.
        for i in 0...5 {
            setFunctionModule(x: 8, y: i, dark: bit(i))
        }
        setFunctionModule(x: 8, y: 7, dark: bit(6))
        setFunctionModule(x: 8, y: 8, dark: bit(7))
        setFunctionModule(x: 7, y: 8, dark: bit(8))
        for i in 9...14 {
            setFunctionModule(x: 14 - i, y: 8, dark: bit(i))
        }
        // Second copy.
        for i in 0...7 {
            setFunctionModule(x: size - 1 - i, y: 8, dark: bit(i))
        }
        for i in 8...14 {
            setFunctionModule(x: 8, y: size - 15 + i, dark: bit(i))
        }
        // The module above the bottom-left format bits is always dark (§7.9.1).
        setFunctionModule(x: 8, y: size - 8, dark: true)
    }

    /// Version information for versions 7 and up (ISO/IEC 18004:2015 §7.10): a block
    /// 3 wide and 6 high left of the top-right finder, and its transpose above the bottom-left
    /// finder. Bit 0, the least significant, is at the block's top-left corner (of the first block).
    private mutating func drawVersionInformation(version: Int) {
        guard version >= 7 else { return }
        let bits = FormatInformation.versionBits(version: version)
        for i in 0..<18 {
            let isDark = bits >> i & 1 == 1
            let along = i / 3
            let across = size - 11 + i % 3
            setFunctionModule(x: across, y: along, dark: isDark)  // top right
            setFunctionModule(x: along, y: across, dark: isDark)  // bottom left
        }
    }

    /// Places the codewords' bits in the two-module-wide zig-zag of ISO/IEC 18004:2015 §7.7.3:
    /// column pairs from the right edge leftwards, alternately upwards and downwards,
    /// right module before left, skipping function modules and the vertical timing column 6.
    /// Modules left over (the 0–7 remainder bits) stay light, i.e. 0 (§7.6).
    mutating func placeData(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        var upwards = true  // the first pair, at the right edge, starts at the bottom
        while right >= 1 {
            if right == 6 {
                right = 5  // column 6 is the timing pattern; pairs to its left shift by one
            }
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in [right, right - 1] where !isFunctionModule(x: x, y: y) && index < bitCount {
                    self[x, y] = codewords[index >> 3] >> (7 - UInt8(index & 7)) & 1 == 1
                    index += 1
                }
            }
            right -= 2
            upwards.toggle()
        }
    }
}
