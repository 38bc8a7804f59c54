import Foundation
import Testing

@testable import Maintenance

@Suite("Work order from text: normalisers, scores, titles, codes")
struct WorkOrderTextNormalisationTests {
    // MARK: Normalisers

    @Test(arguments: ["CNV-03", "cnv 03", "cnv03", "Cnv_3", "CNV 3", "cnv-003"])
    func tagSpellingsShareOneKey(_ spelling: String) {
        #expect(TextNormalisation.compactKey(spelling) == "cnv3")
    }

    @Test func leadingZerosGoFromEveryDigitRunButALoneZeroStays() {
        #expect(TextNormalisation.stripLeadingZeros("f004") == "f4")
        #expect(TextNormalisation.stripLeadingZeros("0") == "0")
        #expect(TextNormalisation.stripLeadingZeros("a00b007c") == "a0b7c")
    }

    @Test(arguments: [
        ("Conveyor #3", ["conveyor", "3"]),
        ("conveyor no. 3", ["conveyor", "no", "3"]),
        ("conveyor3", ["conveyor", "3"]),
        ("CNV03", ["cnv", "3"]),
        ("No3", ["no", "3"]),
        ("PF525 F004 MK4", ["pf525", "f4", "mk4"]),
        ("won't", ["wont"]),
        ("Conveyor 3's belt", ["conveyor", "3", "belt"]),
        ("Étiqueteuse", ["etiqueteuse"]),
        ("🔥 fire!", ["fire"]),
    ])
    func tokensAreFoldedAndSplit(_ text: String, _ keys: [String]) {
        #expect(TextNormalisation.tokens(in: text).map(\.key) == keys)
    }

    @Test func numbersAreMarkedAndClausesStartAfterPunctuationButAndDashes() {
        let tokens = TextNormalisation.tokens(in: "Conveyor 03 down, not urgent but cnv04 noisy - check it")
        #expect(tokens.map(\.isNumber) == [false, true, false, false, false, false, false, true, false, false, false])
        #expect(tokens.filter(\.startsClause).map(\.key) == ["conveyor", "not", "cnv", "check"])
    }

    @Test(arguments: [
        ("convyor", "conveyor", true),
        ("compresor", "compressor", true),
        ("pmup", "pump", true),
        ("conveyer", "conveyor", true),
        ("pump", "pump", true),
        ("cnveyr", "conveyor", false),
        ("hydrolic", "hydraulic", false),
        ("press", "pressure", false),
    ])
    func oneDamerauLevenshteinEditAtMost(_ a: String, _ b: String, _ expected: Bool) {
        #expect(TextNormalisation.isWithinOneEdit(a, b) == expected)
        #expect(TextNormalisation.isWithinOneEdit(b, a) == expected)
    }

    @Test func typosNeedTheSameFirstLetterLettersOnlyAndFourCharacters() {
        #expect(AssetMatcher.similarity(name: "conveyor", text: "convyor") == AssetMatcher.Similarity.typo)
        #expect(AssetMatcher.similarity(name: "conveyor", text: "conveyors") == AssetMatcher.Similarity.exact)
        #expect(AssetMatcher.similarity(name: "conveyor", text: "conv") == AssetMatcher.Similarity.abbreviation)
        #expect(AssetMatcher.similarity(name: "vfd", text: "drive") == AssetMatcher.Similarity.synonym)
        #expect(AssetMatcher.similarity(name: "press", text: "dress") == 0)
        #expect(AssetMatcher.similarity(name: "mk4", text: "mk3") == 0)
        #expect(AssetMatcher.similarity(name: "fan", text: "fin") == 0)
    }

    @Test func nameNumbersAreSeparatedFromWordsWithoutTheirMarkers() {
        #expect(AssetMatcher.nameParts("Prusa MK4 #2") == (["prusa", "mk4"], ["2"]))
        #expect(AssetMatcher.nameParts("Pump No. 2 of the Boiler") == (["pump", "boiler"], ["2"]))
    }

    // MARK: Scores

    static let scoringTexts = [
        "CNV-03 jammed", "conveyor 3 jammed", "conveyor jammed", "conveyor 4 jammed", "compressor leaking", "air leak",
        "fan noisy", "printer 7 clogged", "drive tripped", "dock door 2", "3 bolts missing", "",
    ]

    @Test(arguments: scoringTexts)
    func everyScoreIsBetweenZeroAndOne(_ text: String) {
        let tokens = TextNormalisation.tokens(in: text)
        for asset in WorkOrderTextFixtures.assets {
            let scored = AssetMatcher.tagMatch(asset, order: 0, tokens, text) ?? AssetMatcher.nameMatch(asset, order: 0, tokens, text)
            if let score = scored?.match.score { #expect((0...1).contains(score), "\(asset.tag) for '\(text)'") }
        }
    }

    @Test func anExactTagScoresOneAndMoreThanTheFullNameWhichBeatsAPartialOne() throws {
        func score(_ text: String) throws -> Double {
            try #require(WorkOrderTextParser.draft(from: text, assets: WorkOrderTextFixtures.assets).asset).score
        }
        #expect(try score("CNV-03 jammed") == 1)
        #expect(try score("conveyor 3 jammed") == AssetMatcher.nameCeiling)
        #expect(try score("convyor 3 jammed") < AssetMatcher.nameCeiling)
        #expect(try score("compressor jammed") < score("air compressor jammed"))
    }

    @Test func aWrongNumberIsAStrongPenalty() {
        let text = "conveyor 4 jammed"
        let tokens = TextNormalisation.tokens(in: text)
        let conveyor3 = WorkOrderTextFixtures.assets[0]
        let conveyor4 = WorkOrderTextFixtures.assets[1]
        let wrong = AssetMatcher.nameMatch(conveyor3, order: 0, tokens, text)?.match.score ?? 0
        let right = AssetMatcher.nameMatch(conveyor4, order: 1, tokens, text)?.match.score ?? 0
        #expect(right == AssetMatcher.nameCeiling)
        #expect(wrong < WorkOrderTextParser.alternativeFloor)
    }

    @Test func anAmbiguousNameOffersEveryCandidateAndPicksNone() {
        let draft = WorkOrderTextParser.draft(from: "conveyor belt is torn", assets: WorkOrderTextFixtures.assets)
        #expect(draft.asset == nil)
        #expect(draft.alternatives.map { WorkOrderTextFixtures.tag(of: $0.assetID) } == ["CNV-03", "CNV-04"])
        #expect(draft.signals.contains("asset: 'conveyor' fits CNV-03, CNV-04 equally"))
    }

    @Test func tiesGoByTagWhateverTheOrderOfTheAssets() {
        let text = "Conveyor 4 and conveyor 3 both jammed"
        let forward = WorkOrderTextParser.draft(from: text, assets: WorkOrderTextFixtures.assets)
        let backward = WorkOrderTextParser.draft(from: text, assets: WorkOrderTextFixtures.assets.reversed())
        #expect(WorkOrderTextFixtures.tag(of: forward.asset?.assetID) == "CNV-03")
        #expect(forward == backward)
    }

    @Test func theSameTextGivesTheSameDraft() {
        let text = "Conveyor 3 drive tripped F004 again, urgent"
        #expect(
            WorkOrderTextParser.draft(from: text, assets: WorkOrderTextFixtures.assets)
                == WorkOrderTextParser.draft(from: text, assets: WorkOrderTextFixtures.assets))
    }

    @Test func withoutAssetsThereIsNoAssetAndNoAssetSignal() {
        let draft = WorkOrderTextParser.draft(from: "Conveyor 3 jammed", assets: [])
        #expect(draft.asset == nil && draft.alternatives.isEmpty)
        #expect(!draft.signals.contains { $0.hasPrefix("asset") })
    }

    // MARK: The issue's example, in full

    @Test func theIssueExampleExplainsItself() throws {
        let draft = WorkOrderTextParser.draft(
            from: "  Conveyor 3 drive tripped F004 again, urgent \n", assets: WorkOrderTextFixtures.assets)
        #expect(draft.title == "Conveyor 3 drive tripped F004")
        #expect(draft.description == "Conveyor 3 drive tripped F004 again, urgent")
        let asset = try #require(draft.asset)
        #expect(asset.assetID == WorkOrderTextFixtures.id(1) && asset.matchedOn == .name && asset.matchedText == "Conveyor 3")
        #expect(
            draft.signals == [
                "priority high: 'urgent'", "type corrective: 'tripped', fault code F004",
                "asset CNV-03 (0.95): name 'Conveyor 3' from 'Conveyor 3'",
            ])
    }

    @Test func negatedSafetyWordsAreReportedAsIgnored() {
        let draft = WorkOrderTextParser.draft(from: "no smoke or fire, conveyor 3 guard loose", assets: WorkOrderTextFixtures.assets)
        #expect(draft.type == .corrective)
        #expect(draft.signals.contains("ignored 'no smoke': negated"))
        #expect(draft.signals.contains("ignored 'no smoke or fire': negated"))
    }

    // MARK: Titles

    @Test(arguments: [
        ("Hi team, conveyor 3 tripped F004 again, urgent!!", "Conveyor 3 tripped F004"),
        ("URGENT! Conveyor 4 down. Operators waiting.", "Conveyor 4 down"),
        ("please fix the forklift 5 horn asap thanks", "Fix the forklift 5 horn"),
        ("conveyor no. 3 jammed. again.", "Conveyor no. 3 jammed"),
        ("Conveyor 3 squeaking, not urgent", "Conveyor 3 squeaking"),
        ("Chiller running hot, not very critical", "Chiller running hot"),
        ("whenever you get a chance, look at dock door 2 seal", "Look at dock door 2 seal"),
        ("P2 - chiller   noisy\nsecond line of detail", "Chiller noisy"),
        ("🔥🔥 CONVEYOR #3 ON FIRE!!! 🔥", "CONVEYOR #3 ON FIRE"),
        ("urgent", "Urgent"),
        ("🔥🔥", ""),
        ("", ""),
    ])
    func titleIsTheFirstSentenceWithoutFluff(_ text: String, _ title: String) {
        #expect(WorkOrderTextParser.draft(from: text, assets: []).title == title)
    }

    @Test func aLongTitleIsCutAtAWordWithAnEllipsis() {
        let text = "Boiler feed pump started making a loud grinding noise around two in the morning and the bearing is hot"
        let title = WorkOrderTextParser.draft(from: text, assets: []).title
        #expect(title == "Boiler feed pump started making a loud grinding noise around two in the morning…")
        #expect(title.count <= WorkOrderTextParser.titleLimit)
        let longer = text.replacingOccurrences(of: "two", with: "three")
        #expect(
            WorkOrderTextParser.draft(from: longer, assets: []).title
                == "Boiler feed pump started making a loud grinding noise around three in the…")
        let unbroken = String(repeating: "x", count: 120)
        #expect(WorkOrderTextParser.draft(from: unbroken, assets: []).title == "X" + String(repeating: "x", count: 78) + "…")
    }

    // MARK: Fault codes

    @Test(arguments: [
        ("HMS 0300 0100 0001 0001", ["0300-0100-0001-0001"]),
        ("0300 0100 0001 0001", []),
        ("id 3f2504e0-4f89-11d3-9a0c-0305e82c3301", []),
        ("T4:C20 then type 1 code 1", ["T04:C20", "T01:C01"]),
        ("E.6 but not E 6", ["E.6"]),
        ("E.OC1 and e.oc1 again", ["E.OC1"]),
        ("Yaskawa A1000 tripped", []),
        ("MICROMASTER A0501", ["A0501"]),
        ("see prusa.io/17505", ["#17505"]),
        ("WO #17505", []),
        ("error code: 2310", ["2310"]),
        ("alarm a2b1", ["A2B1"]),
        ("fault 10:30", []),
        ("alarm 12", []),
        ("flt #7", ["F007"]),
        ("F-004", ["F004"]),
        ("PF525 and 525 and conveyor 3 and 3 bolts", []),
        ("OCF", []),
        ("ATV320 OCF", ["OCF"]),
        ("InF1 error", ["InF1"]),
    ])
    func faultCodes(_ text: String, _ codes: [String]) {
        #expect(FaultCodeExtractor.codes(in: text) == codes)
    }
}
