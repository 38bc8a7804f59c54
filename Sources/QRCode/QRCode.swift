/// A QR code symbol (ISO/IEC 18004:2015, QR Code Model 2) holding text in byte mode.
///
/// The text is encoded as UTF-8 in a single byte-mode segment. Text with non-ASCII characters is
/// preceded by an ECI header that declares UTF-8 (§7.4.2); ASCII text, such as asset URLs, needs
/// none. The smallest version (1–40) that fits is chosen, and the mask with the lowest penalty
/// score (§7.8.3).
///
/// ```swift
/// let code = try QRCode(encoding: "https://mw.example.com/assets/6F1C…/request")
/// let svg = code.svg(moduleSize: 4)
/// ```
public struct QRCode: Sendable {
    /// The symbol version, 1–40; the symbol is `17 + 4 × version` modules wide.
    public let version: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// The error correction level the symbol was built with.
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern, 0–7 (ISO/IEC 18004:2015 Table 10), chosen by lowest penalty.
    public let mask: Int

    /// Row-major, `size × size`, `true` for dark.
    private let modules: [Bool]

    /// Encodes `text` as UTF-8 in the smallest version that holds it at `errorCorrection`.
    ///
    /// - Throws: `QRCodeError.dataTooLong` when even version 40 at that level is too small: 2953
    ///   bytes at `.low` down to 1273 at `.high` for ASCII text, one byte less with the UTF-8 header.
    public init(encoding text: String, errorCorrection: ErrorCorrection = .medium) throws {
        try self.init(encoding: text, errorCorrection: errorCorrection, forcedMask: nil)
    }

    /// Encodes with a fixed mask instead of the best one, so tests can check that all eight masks
    /// decode. `forcedMask` must be in 0...7 when given.
    init(encoding text: String, errorCorrection: ErrorCorrection, forcedMask: Int?) throws(QRCodeError) {
        precondition(forcedMask.map(Masking.patterns.contains) ?? true, "mask patterns are 0...7")
        let (version, grid) = try Self.unmaskedSymbol(for: Array(text.utf8), errorCorrection: errorCorrection)
        // Evaluate every mask (or just the forced one); on a tie the lower mask number wins.
        let masks = forcedMask.map { [$0] } ?? Array(Masking.patterns)
        var best = Self.masked(grid, mask: masks[0], errorCorrection: errorCorrection)
        for mask in masks.dropFirst() {
            let candidate = Self.masked(grid, mask: mask, errorCorrection: errorCorrection)
            if candidate.penalty < best.penalty {
                best = candidate
            }
        }

        self.version = version
        self.size = best.grid.size
        self.errorCorrection = errorCorrection
        self.mask = best.mask
        self.modules = best.grid.dark
    }

    /// The symbol for `bytes` in the smallest version that fits, with every function pattern and
    /// the data placed, before masking and format information (ISO/IEC 18004:2015 §7.1 steps 1–5;
    /// the version information does not depend on the mask and is drawn here too).
    static func unmaskedSymbol(
        for bytes: [UInt8], errorCorrection: ErrorCorrection
    ) throws(QRCodeError) -> (version: Int, grid: ModuleGrid) {
        let version = try smallestVersion(for: bytes, errorCorrection: errorCorrection)
        let data = DataEncoding.dataCodewords(for: bytes, version: version, errorCorrection: errorCorrection)
        let codewords = DataEncoding.finalCodewords(data: data, version: version, errorCorrection: errorCorrection)
        var grid = ModuleGrid.withFunctionPatterns(version: version)
        grid.placeData(codewords)
        return (version, grid)
    }

    /// `grid` with `mask` applied and the matching format information drawn, and its penalty.
    /// The format word is drawn before scoring: "the area to be evaluated is the complete symbol"
    /// (ISO/IEC 18004:2015 §7.8.3.1), although masking itself only touches the encoding region.
    static func masked(
        _ grid: ModuleGrid, mask: Int, errorCorrection: ErrorCorrection
    ) -> (mask: Int, grid: ModuleGrid, penalty: Int) {
        var candidate = grid
        Masking.apply(pattern: mask, to: &candidate)
        candidate.drawFormatInformation(FormatInformation.formatBits(errorCorrection: errorCorrection, mask: mask))
        return (mask, candidate, Masking.penalty(of: candidate))
    }

    /// The smallest version whose byte-mode capacity at `errorCorrection` holds `bytes`, counting
    /// the ECI header that non-ASCII text needs.
    static func smallestVersion(for bytes: [UInt8], errorCorrection: ErrorCorrection) throws(QRCodeError) -> Int {
        let headerBits = DataEncoding.headerBits(for: bytes)
        func capacity(_ version: Int) -> Int {
            QRTables.byteCapacity(version: version, errorCorrection: errorCorrection, headerBits: headerBits)
        }
        guard let version = QRTables.versions.first(where: { capacity($0) >= bytes.count }) else {
            throw .dataTooLong(bytes: bytes.count, maximum: capacity(40))
        }
        return version
    }

    /// Whether the module in column `x`, row `y` (both from 0 at the top-left) is dark.
    /// Coordinates outside the symbol are light, as the quiet zone around it is.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
