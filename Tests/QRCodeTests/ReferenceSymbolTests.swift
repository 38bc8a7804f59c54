import Foundation
import Testing

@testable import QRCode

/// A symbol made by another encoder (see Fixtures/make-reference-symbols.py).
struct ReferenceSymbol: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let errorCorrection: String
    let mask: Int
    let version: Int
    let rows: [String]

    var testDescription: String { name }

    static func all() throws -> [ReferenceSymbol] {
        let url = try #require(Bundle.module.url(forResource: "reference-symbols", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode([ReferenceSymbol].self, from: Data(contentsOf: url))
    }
}

@Suite("Module-for-module agreement with an independent encoder")
struct ReferenceSymbolTests {
    // Decoders correct errors, so a few misplaced modules would still scan; comparing against
    // another encoder's output catches them. The mask is fixed because encoders read penalty
    // rule 3 differently (see Masking.finderLikePenalty).
    @Test("matches the reference symbol", arguments: try ReferenceSymbol.all())
    func matchesReference(reference: ReferenceSymbol) throws {
        let level = try #require(ErrorCorrection(rawValue: reference.errorCorrection))
        let code = try QRCode(encoding: reference.text, errorCorrection: level, forcedMask: reference.mask)
        #expect(code.version == reference.version)
        try #require(code.size == reference.rows.count)
        var differing: [String] = []
        for (y, row) in reference.rows.enumerated() {
            for (x, module) in row.enumerated() where code.isDark(x: x, y: y) != (module == "1") {
                differing.append("(\(x), \(y))")
            }
        }
        #expect(differing.isEmpty, "modules that differ: \(differing.prefix(20).joined(separator: " "))")
    }
}
