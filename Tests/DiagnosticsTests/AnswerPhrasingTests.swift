import Foundation
import Testing

@testable import Diagnostics

/// What a language model is given, and the checks that keep its wording to the knowledge base.
@Suite("Phrasing checks")
struct AnswerPhrasingTests {
    static func candidate(_ id: String, confidence: Double, codes: [String] = ["F004"]) -> Diagnosis.Candidate {
        Diagnosis.Candidate(
            atomId: id, type: .fault, title: "F004 UnderVoltage", summary: "The DC bus voltage fell below its minimum.",
            manufacturer: "Allen-Bradley", family: "rockwell.powerflex-520", familyName: "PowerFlex 520-series", faultCodes: codes,
            score: 10, confidence: confidence, matchedOn: ["code F004"], symptoms: ["trips when the line dips"],
            causes: ["Input line voltage low or lost"], actions: ["Measure the line voltage on all three phases"],
            safety: .init(level: .danger, notes: ["Wait 3 minutes after isolating for the DC bus to discharge."]),
            source: .init(document: "520-UM001"), lastReviewed: "2026-01-01")
    }

    static let top = "rockwell.powerflex-520.f004"
    static let second = "rockwell.powerflex-520.f005"

    static func diagnosis(confident: Bool = true) -> Diagnosis {
        Diagnosis(
            query: "pf525 F004 at 480V", detected: .init(manufacturer: "Allen-Bradley", family: "rockwell.powerflex-520", codes: ["F004"]),
            confident: confident, unmatched: [],
            candidates: [
                candidate(top, confidence: 0.9), candidate(second, confidence: 0.6, codes: ["F005"]),
                candidate("rockwell.powerflex-520.f012", confidence: 0.2, codes: ["F012"]),
            ])
    }

    @Test func theModelIsGivenTheConfidentCandidatesOnly() {
        let atoms = AnswerPhrasing.atoms(for: Self.diagnosis())
        #expect(atoms.map(\.atomId) == [Self.top, Self.second])
        #expect(AnswerPhrasing.atoms(for: Self.diagnosis(confident: false)).isEmpty)
        let material = AnswerPhrasing.material(for: Self.diagnosis(), atoms: atoms)
        #expect(material.contains("Atom [\(Self.top)]"))
        #expect(material.contains("Safety note: Wait 3 minutes"))
        #expect(material.contains("Step 1: Measure the line voltage"))
        #expect(!material.contains("f012"))
    }

    func check(_ text: String) -> Result<AnswerPhrasing.Checked, AnswerPhrasing.Rejection> {
        let diagnosis = Self.diagnosis()
        return AnswerPhrasing.check(text, atoms: AnswerPhrasing.atoms(for: diagnosis), query: diagnosis.query)
    }

    @Test func aFaithfulCitedAnswerPasses() throws {
        let text = """
            Danger: after isolating, wait 3 minutes for the DC bus to discharge [\(Self.top)].
            1. Measure the 480V line on all three phases [\(Self.top), \(Self.second)].
            2. F4 means the bus fell below its minimum [\(Self.top)].
            """
        let checked = try check(text).get()
        #expect(checked.citations == [Self.top, Self.second])
        #expect(checked.text == text)
    }

    @Test func anAnswerWithoutCitationsIsRefused() {
        #expect(check("Measure the line voltage on all three phases.") == .failure(.uncited))
        #expect(check("Measure the line voltage [1].") == .failure(.uncited))
        #expect(check("   ") == .failure(.empty))
        #expect(check(String(repeating: "a", count: AnswerPhrasing.maxLength + 1)) == .failure(.tooLong))
    }

    @Test func citingAnAtomNotGivenIsRefused() {
        #expect(
            check("It is the fuse [rockwell.powerflex-520.f012] [\(Self.top)].")
                == .failure(.unknownCitations(["rockwell.powerflex-520.f012"])))
    }

    @Test func codesAndFiguresNotInTheAtomsAreRefused() {
        #expect(check("Set parameter P106 to 10 seconds [\(Self.top)].") == .failure(.unsupported(["P106", "10"])))
        #expect(check("Wait 30 minutes [\(Self.top)].") == .failure(.unsupported(["30"])))
        // The same figures, when the atoms give them, pass.
        #expect((try? check("Wait 3 minutes; this is F004 [\(Self.top)].").get()) != nil)
    }

    @Test func wordsAreMatchedWholeNotInsideLongerNumbers() {
        #expect(AnswerPhrasing.containsWord("10", in: "wait 10 s"))
        #expect(!AnswerPhrasing.containsWord("10", in: "wait 100 s"))
        #expect(AnswerPhrasing.containsWord("e.oc1", in: "fault e.oc1, overcurrent"))
    }
}
