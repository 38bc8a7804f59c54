/// The BCH-protected format and version information words (ISO/IEC 18004:2015 §7.9, §7.10).
enum FormatInformation {
    /// Generator of the (15, 5) BCH code: x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (§7.9.1, Annex C).
    static let formatGenerator = 0b101_0011_0111
    /// XORed into the format word so that it is never all zero (§7.9.1).
    static let formatMask = 0b101_0100_0001_0010
    /// Generator of the (18, 6) Golay code: x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (§7.10, Annex D).
    static let versionGenerator = 0b1_1111_0010_0101

    /// The 15-bit format word for a level and mask: 2 level bits, 3 mask bits, 10 BCH bits,
    /// XORed with the mask pattern 101010000010010 (§7.9.1).
    static func formatBits(errorCorrection: ErrorCorrection, mask: Int) -> Int {
        let data = errorCorrection.formatBits << 3 | mask
        return (data << 10 | remainder(of: data << 10, generator: formatGenerator, degree: 10)) ^ formatMask
    }

    /// The 18-bit version word for versions 7–40: 6 version bits and 12 Golay bits (§7.10).
    static func versionBits(version: Int) -> Int {
        version << 12 | remainder(of: version << 12, generator: versionGenerator, degree: 12)
    }

    /// Remainder of the binary polynomial `value` divided by `generator` (of the given degree).
    private static func remainder(of value: Int, generator: Int, degree: Int) -> Int {
        var value = value
        var bit = Int.bitWidth - 1 - value.leadingZeroBitCount
        while bit >= degree {
            if value >> bit & 1 == 1 {
                value ^= generator << (bit - degree)
            }
            bit -= 1
        }
        return value
    }
}
