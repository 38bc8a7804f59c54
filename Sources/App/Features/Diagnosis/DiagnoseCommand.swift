import Diagnostics
import Foundation
import Vapor

/// `millwright diagnose "PowerFlex 525 F004" [--json]`: the same answer as `POST /api/v1/diagnoses`, offline,
/// from the built-in knowledge base (and an organization's own atoms with `--org`). Nothing is stored.
struct DiagnoseCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "query", help: "A fault code, a symptom, or both, in quotes")
        var query: String
        @Flag(name: "json", help: "Print the answer as JSON")
        var json: Bool
        @Option(name: "manufacturer", help: "The manufacturer, when the query does not say")
        var manufacturer: String?
        @Option(name: "family", help: "The product family (id or name, e.g. pf525), when the query does not say")
        var family: String?
        @Option(name: "org", help: "Include this organization's own atoms (id or name)")
        var org: String?
    }

    var help = "Diagnose a fault code or symptom from the knowledge base."

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var diagnoser = try KnowledgeService.requireBuiltIn().diagnoser
        if let reference = signature.org {
            let organization = try await app.organization(named: reference)
            diagnoser = try await app.knowledge.diagnoser(for: try organization.requireID(), on: app.db)
        }
        let result = diagnoser.diagnose(
            DiagnosisQuery(text: signature.query, manufacturer: signature.manufacturer, family: signature.family))
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        context.console.print(Self.render(result))
    }

    /// The answer for a terminal: what was recognised, then each candidate with safety first.
    static func render(_ result: Diagnosis) -> String {
        var lines: [String] = []
        let detected = [result.detected.manufacturer, result.detected.familyName].compactMap { $0 }.joined(separator: " ")
        let codes = result.detected.codes.joined(separator: ", ")
        lines.append("Recognised: \(detected.isEmpty ? "no manufacturer or family" : detected)\(codes.isEmpty ? "" : "; codes \(codes)")")
        if !result.confident {
            lines.append("NOT SURE: " + result.unmatched.joined(separator: "; "))
            if result.candidates.isEmpty { return lines.joined(separator: "\n") }
            lines.append("Closest atoms, for reference only:")
        }
        for (index, candidate) in result.candidates.enumerated() {
            lines.append("")
            lines.append("\(index + 1). \(candidate.title) — \(candidate.manufacturer) \(candidate.familyName) [\(candidate.atomId)]")
            lines.append("   confidence \(Int((candidate.confidence * 100).rounded()))%")
            lines += candidate.explanation.map { $0.isEmpty ? "" : "   " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
