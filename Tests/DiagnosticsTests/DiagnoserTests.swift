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
    static let controller = Family(id: "zenith.plc", manufacturer: "Zenith", name: "Zenith PLC", aliases: ["zplc"])
    static let printer = Family(id: "zenith.printer", manufacturer: "Zenith", name: "Zenith printer", aliases: ["zprint"])
    static let general = Family(id: "general.procedures", manufacturer: "General", name: "General procedures", aliases: [])
    static let base = KnowledgeBase(
        manufacturers: [
            .init(name: "Acme", aliases: ["acme", "acm", "a-c"]), .init(name: "Zenith", aliases: ["zenith"]),
            .init(name: "General", aliases: []),
        ],
        families: [drive, other, controller, printer, general],
        atoms: [
            atom("f004", family: drive, title: "F004 UnderVoltage", codes: ["F004"], symptoms: ["trips when the line dips"]),
            atom(
                "f005", family: drive, title: "F005 OverVoltage", codes: ["F005"], symptoms: ["trips on deceleration"], keywords: ["regen"]),
            atom("obf", family: drive, title: "ObF Overbraking", codes: ["ObF"]),
            atom("hold", family: drive, title: "HOLD Panel locked", codes: ["HOLD"]),
            atom("0004", family: other, title: "0004 Short circuit", codes: ["0004"], symptoms: ["short circuit in the motor cable"]),
            atom("fan", family: other, title: "Cooling fan replacement", symptoms: ["fan noisy", "fan stopped"], keywords: ["blower"]),
            atom("t04-c20", family: controller, title: "T04:C20 Bad parameter", codes: ["T04:C20"]),
            atom("0300-0100-0001-0001", family: printer, title: "Heatbed heating abnormal", codes: ["0300_0100_0001_0001"]),
            atom("0500-4002", family: printer, title: "Unsupported print file", codes: ["0500_4002"]),
            atom(
                "cable-short", family: general, title: "Finding a short circuit",
                symptoms: ["short circuit in the motor cable", "breaker trips at start"]),
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

    @Test(
        "a controller's type and code, written any way, are one code",
        arguments: ["zplc T04:C20", "zplc t4 c20", "zplc major fault type 4 code 20", "zplc Type 04 Code 20"])
    func typeAndCode(query: String) {
        let (atom, confident, result) = top(query)
        #expect(atom == "zenith.plc.t04-c20")
        #expect(confident)
        #expect(result.detected.codes == ["T04:C20"])
    }

    @Test(
        "an HMS code is found whatever separates its groups",
        arguments: [
            "0300_0100_0001_0001", "0300-0100-0001-0001", "hms 0300 0100 0001 0001", "03000100 00010001", "0300010000010001",
            "what does O300-0100-0001-0001 mean",
        ])
    func hms(query: String) {
        let (atom, confident, _) = top(query)
        #expect(atom == "zenith.printer.0300-0100-0001-0001")
        #expect(confident)
    }

    @Test func printErrorsAndUnknownHMSCodes() {
        #expect(top("print error 0500 4002").0 == "zenith.printer.0500-4002")
        let (_, confident, result) = top("hms 0300_0100_0001_0009")
        #expect(!confident)
        #expect(result.detected.codes == ["0300 0100 0001 0009"])
        // Eight zero-padded digits are not someone's fault 1, and a word of four letters is not a hex group.
        #expect(top("gstat 00000001").2.detected.codes.isEmpty)
        #expect(top("what does 0300 mean").2.detected.codes.isEmpty)
    }

    @Test func namesAreResolvedThroughTheirAliasesInOnePlace() {
        #expect(Self.base.manufacturer(named: "A-C") == "Acme")
        #expect(Self.base.manufacturer(named: "acme") == "Acme")
        #expect(Self.base.manufacturer(named: "nobody") == nil)
        #expect(Self.base.family(named: "Acme D500")?.id == "acme.d500")
        #expect(Self.base.family(named: "acme.d500")?.id == "acme.d500")
        #expect(Self.base.family(named: "D-500")?.id == "acme.d500")
        #expect(top("a-c fault 4").0 == "acme.d500.f004")
        #expect(top("a-c fault 4").1)
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

    @Test func withNoMakeOrModelNamedAVendorNeutralProcedureGoesFirst() {
        #expect(top("short circuit in the motor cable").0 == "general.procedures.cable-short")
        #expect(top("z9 short circuit in the motor cable").0 == "zenith.z9.0004")
        #expect(top("zenith short circuit in the motor cable").0 == "zenith.z9.0004")
    }

    @Test func aMnemonicThatIsAlsoAWordCountsOnlyInCapitalsOrMixedCase() {
        #expect(top("d500 HOLD").0 == "acme.d500.hold")
        #expect(top("d500 hOLD").0 == "acme.d500.hold")
        #expect(top("d500 ObF").0 == "acme.d500.obf")
        let (_, confident, result) = top("d500 will not hold speed")
        #expect(result.detected.codes.isEmpty)
        #expect(!confident)
        // A capital at the start of a sentence is not a code.
        #expect(top("Hold is lost on the d500").2.detected.codes.isEmpty)
    }

    @Test(arguments: ["hello", "what is for lunch", "yaskawa oC", "", "it broke"])
    func queriesTheKnowledgeBaseCannotAnswerAreRefused(query: String) {
        #expect(!top(query).1)
    }
}
