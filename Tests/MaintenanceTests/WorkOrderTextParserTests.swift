import Foundation
import Testing

@testable import Maintenance

@Suite("Work order from text")
struct WorkOrderTextParserTests {
    /// One phrasing and everything the draft must say about it.
    struct Phrasing: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var tag: String?
        var priority: WorkOrderPriority
        var type: WorkOrderType
        var codes: [String]

        init(_ name: String, _ text: String, _ tag: String?, _ priority: WorkOrderPriority, _ type: WorkOrderType, _ codes: [String] = []) {
            self.name = name
            self.text = text
            self.tag = tag
            self.priority = priority
            self.type = type
            self.codes = codes
        }

        var testDescription: String { name }
    }

    static let longText =
        "Hi team, on the night shift the boiler feed pump started making a loud grinding noise around 2 am. We checked the "
        + "coupling and the bearing housing was hot to the touch, so we put it on standby and switched over to the backup, "
        + "but the backup drive is now showing alarm 2310 as well and nobody on site knows the reset procedure. "
        + String(
            repeating: "Operators report the pressure dropping every few minutes and the header pressure gauge is swinging. ", count: 12)
        + "Please advise."

    static let phrasings: [Phrasing] = [
        // The example.
        Phrasing("issue example", "Conveyor 3 drive tripped F004 again, urgent", "CNV-03", .high, .corrective, ["F004"]),

        // Tags however they are typed.
        Phrasing("tag with hyphen", "CNV-03 belt slipping", "CNV-03", .medium, .corrective),
        Phrasing("tag lower case with space", "cnv 03 belt slipping", "CNV-03", .medium, .corrective),
        Phrasing("tag run together", "cnv03 jammed", "CNV-03", .medium, .corrective),
        Phrasing("tag without leading zero", "CNV-3 jammed", "CNV-03", .medium, .corrective),
        Phrasing("tag beats a name mentioned beside it", "CNV-04 (next to conveyor 3) belt slipping", "CNV-04", .medium, .corrective),
        Phrasing("tag check for leaks is inspection", "check AC-01 for leaks", "AC-01", .low, .inspection),

        // Names: number styles, typos, abbreviations.
        Phrasing("hash number", "Conveyor #3 making a grinding noise", "CNV-03", .medium, .corrective),
        Phrasing("no. number", "conveyor no. 3 stopped", "CNV-03", .high, .corrective),
        Phrasing("zero-padded number", "conveyor 03 belt torn", "CNV-03", .medium, .corrective),
        Phrasing("number written out", "conveyor three jammed", "CNV-03", .medium, .corrective),
        Phrasing("possessive", "Conveyor 3's gearbox is noisy", "CNV-03", .medium, .corrective),
        Phrasing("number agreement picks conveyor 4", "Conveyor 4 won't start", "CNV-04", .high, .corrective),
        Phrasing("typo convyor", "convyor 3 is down", "CNV-03", .high, .corrective),
        Phrasing("typo compresor", "compresor 1 leaking oil", "AC-01", .medium, .corrective),
        Phrasing("abbreviation conv", "conv 3 jammed", "CNV-03", .medium, .corrective),
        Phrasing("typo too far still matches on head noun", "hydrolic press leaking", "HP-200", .medium, .corrective),
        Phrasing("head noun alone", "the compressor keeps tripping", "AC-01", .high, .corrective),
        Phrasing("brand and number", "bambu 7 spaghetti everywhere", "PRN-07", .medium, .corrective),
        Phrasing("diacritics dropped", "etiqueteuse 1 labels jammed", "LBL-01", .medium, .corrective),
        Phrasing("diacritics and upper case", "ÉTIQUETEUSE #1 JAMMED", "LBL-01", .medium, .corrective),
        Phrasing("line number picks the drive", "packaging line 2 vfd F004", "VFD-PL2", .medium, .corrective, ["F004"]),
        Phrasing("two assets: the first by tag order", "Conveyor 3 and conveyor 4 both jammed", "CNV-03", .medium, .corrective),
        Phrasing("one chiller, number added", "Chiller 2 low refrigerant alarm", "CH-1", .medium, .corrective),
        Phrasing("a word of the name beside the head", "the fan on the roof is loud", "REF-01", .medium, .corrective),
        Phrasing("line and number alone", "Line 2 down", "VFD-PL2", .critical, .corrective),
        Phrasing("kind stands in for the head noun", "printer 2 won't heat", "PRN-02", .medium, .corrective),
        Phrasing("brand and kind", "Prusa printer offline", "PRN-02", .medium, .corrective),

        // No asset, or not one the text can single out.
        Phrasing("ambiguous conveyor", "conveyor belt is torn", nil, .medium, .corrective),
        Phrasing("ambiguous fan", "fan making a rattling noise", nil, .medium, .corrective),
        Phrasing("ambiguous drive", "VFD tripped on overcurrent", nil, .medium, .corrective),
        Phrasing("wrong number matches nothing", "Forklift 6 brakes squealing", nil, .medium, .corrective),
        Phrasing("wrong number on a longer name", "air compressor 2 tripped", nil, .medium, .corrective),
        Phrasing("kind shared by two printers", "printer jammed", nil, .medium, .corrective),
        Phrasing("no asset at all", "Toilet in the office is leaking", nil, .medium, .corrective),
        Phrasing("request without asset", "Please install a new shelf in the maintenance shop", nil, .none, .request),

        // Priority.
        Phrasing("urgent", "Air compressor 1 leaking, urgent", "AC-01", .high, .corrective),
        Phrasing("asap with please", "please fix the forklift 5 horn asap", "FL-05", .high, .corrective),
        Phrasing("not urgent is low", "Conveyor 3 squeaking, not urgent", "CNV-03", .low, .corrective),
        Phrasing("no rush is low", "no rush, chiller panel door hinge is loose", "CH-1", .low, .corrective),
        Phrasing("no rush beats won't start", "Forklift 5 won't start, no rush, using the spare", "FL-05", .low, .corrective),
        Phrasing("minor and cosmetic", "Minor scratch on the hydraulic press guard, cosmetic only", "HP-200", .low, .corrective),
        Phrasing("not an emergency", "Not an emergency but conveyor 3 guard is loose", "CNV-03", .low, .corrective),
        Phrasing("stated priority beats condition", "priority: low - conveyor 4 not running", "CNV-04", .low, .corrective),
        Phrasing("P1 is critical", "P1 chiller down", "CH-1", .critical, .corrective),
        Phrasing("P3 beats urgent", "P3 urgent: cooling tower fan noisy", "CTF-2", .medium, .corrective),
        Phrasing("high priority", "High priority: replace belt on conveyor 3", "CNV-03", .high, .corrective),
        Phrasing("line down is critical", "Packaging line 1 down, production stopped", "VFD-PL1", .critical, .corrective),
        Phrasing("critical word", "Critical: main panel PLC faulted", "PLC-01", .critical, .corrective),
        Phrasing("tripped again is high", "Main panel PLC tripped again", "PLC-01", .high, .corrective),
        Phrasing("not running and urgent", "Cooling tower fan not running, urgent", "CTF-2", .high, .corrective),
        Phrasing("not critical is low", "Chiller running hot, not critical", "CH-1", .low, .corrective),

        // Safety and emergencies.
        Phrasing("fire", "Fire in the hydraulic press motor!!", "HP-200", .critical, .emergency),
        Phrasing("smoke", "smoke coming from main panel", "PLC-01", .critical, .emergency),
        Phrasing("injury", "Operator injured on conveyor 4 guard", "CNV-04", .critical, .emergency),
        Phrasing("flooding", "Boiler room flooding near the feed pump", "BFP-1", .critical, .emergency),
        Phrasing("safety hazard", "Dock door 2 cable hanging, safety hazard", "DD-02", .critical, .emergency),
        Phrasing("gas smell", "smell gas near the boiler feed pump", "BFP-1", .critical, .emergency),
        Phrasing("emoji and shouting", "🔥🔥 CONVEYOR #3 ON FIRE!!! 🔥", "CNV-03", .critical, .emergency),
        Phrasing("nobody injured is no emergency", "Conveyor 4 guard broken, nobody injured", "CNV-04", .medium, .corrective),
        Phrasing("no fire but burnt smell", "no fire but the chiller smells burnt", "CH-1", .high, .corrective),
        Phrasing("fire extinguishers are equipment", "Inspect fire extinguishers near the chiller", "CH-1", .low, .inspection),
        Phrasing("fire alarm going off", "fire alarm going off in the warehouse", nil, .critical, .emergency),
        Phrasing("check valve is equipment", "check valve leaking on boiler feed pump", "BFP-1", .medium, .corrective),
        Phrasing("emergency stop is equipment", "Emergency stop button on conveyor 3 is broken", "CNV-03", .medium, .corrective),

        // Type.
        Phrasing("inspection", "Please inspect the boiler feed pump coupling", "BFP-1", .low, .inspection),
        Phrasing("take a look", "can someone take a look at the forklift 5 brakes", "FL-05", .low, .inspection),
        Phrasing("whenever, look at", "whenever you get a chance, look at dock door 2 seal", "DD-02", .low, .inspection),
        Phrasing("stated priority on inspection", "priority high - chiller inspection", "CH-1", .high, .inspection),
        Phrasing("symptom makes a check corrective", "Check conveyor 4, it's vibrating badly", "CNV-04", .medium, .corrective),
        Phrasing("preventive grease", "Grease the bearings on conveyor 4", "CNV-04", .low, .preventive),
        Phrasing("shut down for a PM is no breakdown", "shut down conveyor 4 for scheduled PM", "CNV-04", .low, .preventive),
        Phrasing("PM and filter", "Monthly PM on air compressor 1, replace filter", "AC-01", .low, .preventive),
        Phrasing("fault found during PM is corrective", "During PM found Forklift 5 hydraulic leak", "FL-05", .medium, .corrective),
        Phrasing("2 pm is a time, not a PM", "Chiller making a knocking noise since 2 pm", "CH-1", .medium, .corrective),
        Phrasing("request with asset", "Add a label holder to dock door 2", "DD-02", .none, .request),
        Phrasing("request with asap", "need a new extension cord at dock door 2 asap", "DD-02", .high, .request),
        Phrasing("mixed case", "cOnVeYoR 4 WON'T START", "CNV-04", .high, .corrective),
        Phrasing("curly apostrophe", "Forklift 5 won’t start", "FL-05", .high, .corrective),
        Phrasing("lost comms", "Main panel PLC lost comms", "PLC-01", .medium, .corrective),

        // Fault-code families.
        Phrasing("Logix words", "Main panel PLC major fault type 4 code 20", "PLC-01", .medium, .corrective, ["T04:C20"]),
        Phrasing("Logix compact", "PLC-01 major fault T04:C20", "PLC-01", .medium, .corrective, ["T04:C20"]),
        Phrasing("Bambu HMS with dashes", "X1C printer 7 HMS 0300-0100-0001-0001", "PRN-07", .medium, .corrective, ["0300-0100-0001-0001"]),
        Phrasing(
            "Bambu HMS underscores lower hex", "printer 7 shows HMS_0c00_0300_0003_000b", "PRN-07", .medium, .corrective,
            ["0C00-0300-0003-000B"]),
        Phrasing("Prusa error again", "Prusa 2 error 17505 again", "PRN-02", .high, .corrective, ["#17505"]),
        Phrasing("SINAMICS fault", "SINAMICS on the chiller shows F30001", "CH-1", .medium, .corrective, ["F30001"]),
        Phrasing("SINAMICS alarm and fault", "chiller drive alarm A07991 and f07011", "CH-1", .medium, .corrective, ["A07991", "F07011"]),
        Phrasing("MICROMASTER four digits", "cooling tower fan drive F0001", "CTF-2", .medium, .corrective, ["F0001"]),
        Phrasing("ABB after fault", "hydraulic press drive fault 2310", "HP-200", .medium, .corrective, ["2310"]),
        Phrasing("PowerFlex fault number", "Conveyor 4 drive fault 4", "CNV-04", .medium, .corrective, ["F004"]),
        Phrasing("PowerFlex with space", "VFD-PL1 showing F 12", "VFD-PL1", .medium, .corrective, ["F012"]),
        Phrasing("PowerFlex lower case", "vfd-pl2 f4 overvoltage", "VFD-PL2", .medium, .corrective, ["F004"]),
        Phrasing("Altivar with display", "Roof exhaust fan 1 ATV display shows ObF", "REF-01", .medium, .corrective, ["ObF"]),
        Phrasing("Altivar lower case after code", "cooling tower fan drive code ocf", "CTF-2", .medium, .corrective, ["OCF"]),
        Phrasing("Mitsubishi dotted", "Hydraulic press inverter E.OC1", "HP-200", .medium, .corrective, ["E.OC1"]),
        Phrasing(
            "Mitsubishi spaced and run together", "boiler feed pump inverter shows E OV2 then EOC1", "BFP-1", .medium, .corrective,
            ["E.OV2", "E.OC1"]),
        Phrasing("Mitsubishi lower case", "BFP-1 e.thm", "BFP-1", .medium, .corrective, ["E.THM"]),
        Phrasing(
            "several codes deduplicated in order", "CNV-03 F004, then F005, F004 again", "CNV-03", .high, .corrective, ["F004", "F005"]),

        // Numbers that are not codes.
        Phrasing("times are not a code", "Conveyor 3 fault 4 times this shift", "CNV-03", .medium, .corrective),
        Phrasing("faulted n times", "Conveyor 3 faulted 4 times today", "CNV-03", .medium, .corrective),
        Phrasing("model number PowerFlex 525", "PowerFlex 525 on conveyor 4 tripped", "CNV-04", .medium, .corrective),
        Phrasing("model number PF525", "PF525 on conveyor 3 tripped again", "CNV-03", .high, .corrective),
        Phrasing("dates and times", "Chiller tripped at 10:30 on 2024-05-03", "CH-1", .medium, .corrective),
        Phrasing("quantities", "Forklift 5 needs 3 bolts replaced", "FL-05", .medium, .corrective),
        Phrasing("work-order number", "WO #12345 for conveyor 3 belt replacement", "CNV-03", .medium, .corrective),
        Phrasing("Altivar word without context", "Install a COF sign at dock door 2", "DD-02", .none, .request),
        Phrasing("ABB-like number without context", "Hydraulic press did 2310 cycles today, please check", "HP-200", .low, .inspection),

        // Edges.
        Phrasing("empty text", "", nil, .none, .request),
        Phrasing("whitespace only", "  \n\t ", nil, .none, .request),
        Phrasing("very long text", longText, "BFP-1", .medium, .corrective, ["2310"]),
    ]

    @Test(arguments: phrasings)
    func draftReadsThePhrasing(_ phrasing: Phrasing) {
        let draft = WorkOrderTextParser.draft(from: phrasing.text, assets: WorkOrderTextFixtures.assets)
        #expect(WorkOrderTextFixtures.tag(of: draft.asset?.assetID) == phrasing.tag, "\(draft.signals)")
        #expect(draft.priority == phrasing.priority, "\(draft.signals)")
        #expect(draft.type == phrasing.type, "\(draft.signals)")
        #expect(draft.faultCodes == phrasing.codes)
        #expect(draft.title.count <= WorkOrderTextParser.titleLimit)
        if let asset = draft.asset { #expect(asset.score >= WorkOrderTextParser.assetThreshold && asset.score <= 1) }
    }
}
