/// The error correction level of a QR code (ISO/IEC 18004:2015 §7.5.1).
///
/// Higher levels let a reader recover from more damage (smudged or torn labels) at the cost of
/// capacity: roughly 7 % (L), 15 % (M), 25 % (Q) and 30 % (H) of the codewords can be restored.
public enum ErrorCorrection: String, Sendable, CaseIterable {
    /// Recovers about 7 % of the codewords.
    case low = "L"
    /// Recovers about 15 % of the codewords; the usual choice for printed labels.
    case medium = "M"
    /// Recovers about 25 % of the codewords.
    case quartile = "Q"
    /// Recovers about 30 % of the codewords.
    case high = "H"

    /// The two-bit indicator carried in the format information (ISO/IEC 18004:2015 Table 12).
    /// The order is not L, M, Q, H: L = 01, M = 00, Q = 11, H = 10.
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// Row index into the tables in `QRTables`.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
