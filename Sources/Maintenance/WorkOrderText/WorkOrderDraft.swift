import Foundation

/// An asset the text may be about: what ``WorkOrderTextParser`` matches against. The app passes the assets the
/// person may see; the parser never looks anything up itself.
public struct AssetCandidate: Sendable, Hashable {
    public var id: UUID
    /// What people call it: "Conveyor 3", "Air Compressor 1".
    public var name: String
    /// The label printed on the machine: "CNV-03".
    public var tag: String
    /// What the asset is ("printer", "drive"): stands in for the name's head noun, so "the printer 2" finds
    /// "Prusa MK4 #2" (see ``AssetMatch/score``).
    public var kind: String?
    /// Carried for the person confirming; not used in scoring.
    public var location: String?

    public init(id: UUID, name: String, tag: String, kind: String? = nil, location: String? = nil) {
        self.id = id
        self.name = name
        self.tag = tag
        self.kind = kind
        self.location = location
    }
}

/// Why the parser thinks the text is about an asset.
public struct AssetMatch: Sendable, Equatable {
    /// Which part of the asset the text matched.
    public enum Field: String, Sendable, Hashable, Codable {
        case tag, name
    }

    public var assetID: UUID
    /// How sure the match is, from 0 to 1, rounded to three decimals; comparable across assets of one request.
    ///
    /// - **1.0**: the tag is in the text, however it is written ("CNV-03", "cnv 03", "cnv3").
    /// - **Name matches** are capped at 0.95 so that a tag always wins, and computed as
    ///   `0.95 × M / (M + ½·U) × numberFactor`:
    ///   - each word of the name weighs 1, except its last word (the head noun: the "compressor" of
    ///     "Air Compressor 1") which weighs 2; each number of the name weighs 1;
    ///   - `M` sums `weight × similarity` of the name's words found in the text (1 exact, 0.85 one typo,
    ///     0.8 synonym such as "drive" for "VFD" or the asset's kind for the head noun, 0.75 abbreviation such
    ///     as "conv" for "conveyor") plus the
    ///     weight of the name's numbers that directly follow one of those words ("conveyor 3", "conveyor #3");
    ///   - `U` is the weight left unmatched; it counts half, because people shorten names ("the compressor")
    ///     far more often than they name the wrong thing;
    ///   - `numberFactor` is 0.3 when the text puts a different number after the name's words ("conveyor 4"
    ///     against "Conveyor 3"), 0.8 when the name has no number but the text adds one ("chiller 2"), else 1.
    ///
    /// So a full name scores 0.95, the head noun alone of a two-word name 0.76, of a three-word name 0.63, and
    /// one modifier word ("air") 0.38; ``WorkOrderTextParser/assetThreshold`` sits between those.
    public var score: Double
    /// The words of the text that matched, as the person wrote them.
    public var matchedText: String
    public var matchedOn: Field

    public init(assetID: UUID, score: Double, matchedText: String, matchedOn: Field) {
        self.assetID = assetID
        self.score = score
        self.matchedText = matchedText
        self.matchedOn = matchedOn
    }
}

/// What a technician's free text says, ready for a person to confirm into a work order. Nothing is saved until
/// they do.
public struct WorkOrderDraft: Sendable, Equatable {
    /// A short summary, at most 80 characters: the first sentence without greetings and urgency words.
    /// Empty when the text is empty.
    public var title: String
    /// The original text, trimmed.
    public var description: String
    /// The best-matching asset when it scores at least ``WorkOrderTextParser/assetThreshold`` and the text tells
    /// it apart from the others; `nil` when nothing is convincing or the text fits several assets equally.
    public var asset: AssetMatch?
    /// Up to three other candidates, best first, for the person confirming. When ``asset`` is `nil` they are the
    /// best candidates found.
    public var alternatives: [AssetMatch]
    public var priority: WorkOrderPriority
    public var type: WorkOrderType
    /// Drive, PLC and printer fault codes, normalised to the manufacturer's spelling, in order of appearance,
    /// without duplicates.
    public var faultCodes: [String]
    /// Human-readable reasons for the priority, type and asset, e.g. `priority high: 'urgent'`.
    public var signals: [String]

    public init(
        title: String, description: String, asset: AssetMatch?, alternatives: [AssetMatch], priority: WorkOrderPriority,
        type: WorkOrderType, faultCodes: [String], signals: [String]
    ) {
        self.title = title
        self.description = description
        self.asset = asset
        self.alternatives = alternatives
        self.priority = priority
        self.type = type
        self.faultCodes = faultCodes
        self.signals = signals
    }
}
