import Foundation
import Testing

@testable import Diagnostics

/// The ranker on a small knowledge base made here, so each rule is tested apart from the shipped content.
@Suite("Ranking and refusal")
struct DiagnoserTests {
    static func atom(_ id: String, family: Family, title: String, codes: [String] = [], symptoms: [String] = [], keywords: [String] = [])
        -> Atom
    {
        Atom(
            id: "\(family.id).\(id)", type: codes.isEmpty ? .procedure : .fault, title: title, summary: title,
            manufacturer: family.manufacturer,
            family: family.id, familyName: family.name, faultCodes: codes, symptoms: symptoms, safety: .init(level: .info),
            keywords: keywords, source: .init(document: "Manual"), lastReviewed: "2026-01-01")
    }

    static let drive = Family(
        id: "acme.d500", manufacturer: "Acme", name: "Acme D500", aliases: ["d500", "acme d500"], catalogPrefixes: ["D5X"],
        bareCodePrefix: "F")
    static let other = Family(id: "zenith.z9", manufacturer: "Zenith", name: "Zenith Z9", aliases: ["z9"])
    static let base = KnowledgeBase(
        manufacturers: [.init(name: "Acme", aliases: ["acme", "acm"]), .init(name: "Zenith", aliases: ["zenith"])],
        families: [drive, other],
        atoms: [
            atom("f004", family: drive, title: "F004 UnderVoltage", codes: ["F004"], symptoms: ["trips when the line dips"]),
            atom(
                "f005", family: drive, title: "F005 OverVoltage", codes: ["F005"], symptoms: ["trips on deceleration"], keywords: ["regen"]),
            atom("obf", family: drive, title: "ObF Overbraking", codes: ["ObF"]),
            atom("hold", family: drive, title: "HOLD Panel locked", codes: ["HOLD"]),
            atom("0004", family: other, title: "0004 Short circuit", codes: ["0004"], symptoms: ["short circuit in the motor cable"]),
            atom("fan", family: other, title: "Cooling fan replacement", symptoms: ["fan noisy", "fan stopped"], keywords: ["blower"]),
        ])
    static let diagnoser = Diagnoser(index: SearchIndex(base: base))

    func top(_ query: String, manufacturer: String? = nil, family: String? = nil) -> (String?, Bool, Diagnosis) {
        let result = Self.diagnoser.diagnose(DiagnosisQuery(text: query, manufacturer: manufacturer, family: family))
        return (result.candidates.first?.atomId, result.confident, result)
    }

    @Test(
        "display variants of a code within the family are found",
        arguments: ["d500 F004", "D500 f4", "d500 fault 4", "d500 F-004", "acme d500 F 004", "D5X-1234 showing F004", "d500 FO04"])
    func variants(query: String) {
        let (atom, confident, _) = top(query)
        #expect(atom == "acme.d500.f004")
        #expect(confident)
    }

    @Test func aCodeMissingFromTheNamedFamilyIsRefusedEvenWhenAnotherFamilyHasIt() {
        let (_, confident, result) = top("z9 F005")
        #expect(!confident)
        #expect(result.unmatched.contains { $0.contains("F005") })
        let (_, unknown, unknownResult) = top("d500 F099")
        #expect(!unknown)
        #expect(unknownResult.detected.codes == ["F099"])
    }

    @Test func aCodeSharedAcrossManufacturersNeedsContextOrWords() {
        let (_, bare, _) = top("4")
        #expect(!bare)
        let (_, ambiguous, _) = top("fault 4")
        #expect(!ambiguous)
        let (atom, confident, _) = top("fault 4 short circuit motor cable")
        #expect(atom == "zenith.z9.0004")
        #expect(confident)
        let (hinted, hintedConfident, _) = top("fault 4", family: "d500")
        #expect(hinted == "acme.d500.f004")
        #expect(hintedConfident)
    }

    @Test func symptomsAloneFindTheAtomAndTyposAreForgiven() {
        #expect(top("d500 trips on deceleration").0 == "acme.d500.f005")
        #expect(top("zenith blower noisy").0 == "zenith.z9.fan")
        #expect(top("zenith fan stoped").0 == "zenith.z9.fan")
    }

    @Test func aMnemonicThatIsAlsoAWordCountsOnlyInCapitals() {
        #expect(top("d500 HOLD").0 == "acme.d500.hold")
        #expect(top("d500 ObF").0 == "acme.d500.obf")
        let (_, confident, result) = top("d500 will not hold speed")
        #expect(result.detected.codes.isEmpty)
        #expect(!confident)
    }

    @Test(arguments: ["hello", "what is for lunch", "yaskawa oC", "", "it broke"])
    func queriesTheKnowledgeBaseCannotAnswerAreRefused(query: String) {
        #expect(!top(query).1)
    }
}
