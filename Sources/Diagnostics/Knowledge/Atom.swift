import Foundation

/// One unit of troubleshooting knowledge: a fault code, a procedure, a symptom, a reference fact or a safety rule.
///
/// Built-in atoms are loaded from the family files under `Resources/knowledge/atoms/`; organizations add their own
/// through the API. Both have the same shape once loaded: every field resolved, the source inline.
public struct Atom: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case fault, procedure, symptom, reference, safety
    }

    public struct Safety: Codable, Hashable, Sendable {
        public enum Level: String, Codable, CaseIterable, Comparable, Sendable {
            case info, caution, warning, danger

            private var rank: Int {
                switch self {
                case .info: 0
                case .caution: 1
                case .warning: 2
                case .danger: 3
                }
            }

            public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
        }

        public var level: Level
        public var notes: [String]

        public init(level: Level, notes: [String] = []) {
            self.level = level
            self.notes = notes
        }
    }

    /// Where the knowledge comes from: a document, the section or page in it, and a URL.
    public struct Source: Codable, Hashable, Sendable {
        public var document: String?
        public var section: String?
        public var url: String?

        public init(document: String? = nil, section: String? = nil, url: String? = nil) {
            self.document = document
            self.section = section
            self.url = url
        }

        public var isEmpty: Bool { (document ?? "").isEmpty && (url ?? "").isEmpty }
    }

    /// `<family-id>.<slug>`, stable forever (`rockwell.powerflex-520.f004`).
    public var id: String
    public var type: Kind
    public var title: String
    public var summary: String
    public var manufacturer: String
    /// The family id (`rockwell.powerflex-520`).
    public var family: String
    public var familyName: String
    public var models: [String]
    /// The codes as the device shows them, canonical form first.
    public var faultCodes: [String]
    public var symptoms: [String]
    /// Most likely first.
    public var causes: [String]
    public var actions: [String]
    public var safety: Safety
    public var keywords: [String]
    public var source: Source
    /// `YYYY-MM-DD`.
    public var lastReviewed: String

    public init(
        id: String, type: Kind, title: String, summary: String, manufacturer: String, family: String, familyName: String,
        models: [String] = [], faultCodes: [String] = [], symptoms: [String] = [], causes: [String] = [],
        actions: [String] = [], safety: Safety, keywords: [String] = [], source: Source, lastReviewed: String
    ) {
        self.id = id
        self.type = type
        self.title = title
        self.summary = summary
        self.manufacturer = manufacturer
        self.family = family
        self.familyName = familyName
        self.models = models
        self.faultCodes = faultCodes
        self.symptoms = symptoms
        self.causes = causes
        self.actions = actions
        self.safety = safety
        self.keywords = keywords
        self.source = source
        self.lastReviewed = lastReviewed
    }
}
