import Foundation
import Testing

@testable import Diagnostics

@Suite("The built-in knowledge base")
struct KnowledgeBaseTests {
    static let loaded = Result { try KnowledgeBase.lint(directory: KnowledgeBase.builtInDirectory()) }

    @Test func itLintsCleanAndCoversEveryFamilyTheIssueNames() throws {
        let (base, issues) = try Self.loaded.get()
        #expect(issues.isEmpty, "\(issues.prefix(20).map(\.description).joined(separator: "\n"))")
        #expect(base.atoms.count >= 600)
        for family in [
            "rockwell.powerflex-520", "rockwell.powerflex-4", "rockwell.powerflex-40", "rockwell.powerflex-400", "siemens.sinamics-g120",
            "abb.acs150", "abb.acs355", "abb.acs550", "abb.acs580", "mitsubishi.fr-d700", "mitsubishi.fr-e700", "mitsubishi.fr-e800",
            "mitsubishi.fr-a800", "prusa.mk4", "klipper.klipper", "general.procedures",
        ] {
            #expect(base.families[family] != nil, "missing family \(family)")
        }
    }

    @Test func everyAtomCitesASourceAndEveryDangerSaysWhy() throws {
        let (base, _) = try Self.loaded.get()
        for atom in base.atoms {
            #expect(!atom.source.isEmpty, "\(atom.id) has no source")
            if atom.safety.level >= .warning { #expect(!atom.safety.notes.isEmpty, "\(atom.id)") }
        }
    }

    /// The development set is the accuracy the README reports; the figures here are floors, so a change to the
    /// ranker or the atoms that loses accuracy fails the suite. Latency is measured by `kb eval`, not here.
    @Test func theDevelopmentSetMeetsTheAccuracyTargets() throws {
        let (base, _) = try Self.loaded.get()
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("eval/dev")
        var cases: [EvaluationCase] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".jsonl") {
            cases += try Evaluator.cases(jsonLines: String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        #expect(cases.count >= 300)
        let (summary, results) = Evaluator.run(cases, diagnoser: Diagnoser(index: SearchIndex(base: base)))
        let misses = results.filter { !$0.correct }.prefix(15).map { "\($0.query) → \($0.candidates.first?.atomId ?? "nothing")" }
        #expect(summary.top1 >= 0.92, "\(misses)")
        #expect(summary.top3 >= 0.98)
        #expect(summary.refused >= 0.95, "\(misses)")
    }
}
