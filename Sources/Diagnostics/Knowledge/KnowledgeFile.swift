import Foundation

/// One problem found in knowledge-base content: where it is and what is wrong.
public struct KnowledgeIssue: Hashable, Sendable, CustomStringConvertible {
    /// The file (or `body` for an atom sent through the API).
    public var file: String
    /// The atom id, or nil for a file-level problem.
    public var atom: String?
    /// The field at fault, in JSON-pointer-ish dotted form (`safety.level`), or nil.
    public var field: String?
    public var message: String

    public init(file: String, atom: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.atom = atom
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = file
        if let atom { place += " [\(atom)]" }
        if let field { place += " \(field)" }
        return "\(place): \(message)"
    }
}

/// The on-disk shape of a family file, every field optional so that lint can name each missing one.
struct KnowledgeFile: Decodable {
    struct RawFamily: Decodable {
        var id: String?
        var manufacturer: String?
        var name: String?
        var models: [String]?
        var aliases: [String]?
        var catalogPrefixes: [String]?
        var bareCodePrefix: String?
    }

    var family: RawFamily?
    var sources: [String: Atom.Source]?
    var lastReviewed: String?
    var atoms: [RawAtom]?
}

/// An atom as written: in a family file (manufacturer and family from the file, source by reference) or sent
/// through the API (everything inline).
public struct RawAtom: Codable, Sendable {
    public struct RawSafety: Codable, Sendable {
        public var level: String?
        public var notes: [String]?

        public init(level: String?, notes: [String]?) {
            self.level = level
            self.notes = notes
        }
    }

    public struct RawSource: Codable, Sendable {
        public var ref: String?
        public var document: String?
        public var section: String?
        public var url: String?

        public init(ref: String? = nil, document: String? = nil, section: String? = nil, url: String? = nil) {
            self.ref = ref
            self.document = document
            self.section = section
            self.url = url
        }
    }

    public var id: String?
    public var type: String?
    public var title: String?
    public var summary: String?
    public var manufacturer: String?
    public var family: String?
    public var familyName: String?
    public var models: [String]?
    public var faultCodes: [String]?
    public var symptoms: [String]?
    public var causes: [String]?
    public var actions: [String]?
    public var safety: RawSafety?
    public var keywords: [String]?
    public var source: RawSource?
    public var lastReviewed: String?

    public init(
        id: String? = nil, type: String? = nil, title: String? = nil, summary: String? = nil, manufacturer: String? = nil,
        family: String? = nil, familyName: String? = nil, models: [String]? = nil, faultCodes: [String]? = nil,
        symptoms: [String]? = nil, causes: [String]? = nil, actions: [String]? = nil, safety: RawSafety? = nil,
        keywords: [String]? = nil, source: RawSource? = nil, lastReviewed: String? = nil
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

/// The field rules every atom obeys, built-in or an organization's own.
public enum AtomRules {
    public static let familyIDPattern = #"^[a-z0-9]+\.[a-z0-9-]+$"#
    public static let slugPattern = #"^[a-z0-9][a-z0-9-]*$"#
    static let maxText = 4000
    static let maxListItems = 100

    /// Turns a raw atom into a resolved one, or lists every problem with it.
    ///
    /// - Parameters:
    ///   - family: the family the atom belongs to when it is known from its file; otherwise the atom names its own.
    ///   - sources: the file's named sources that `source.ref` may point at.
    ///   - defaultReviewed: the file's `lastReviewed`.
    public static func resolve(
        _ raw: RawAtom, file: String, family: Family?, sources: [String: Atom.Source] = [:], defaultReviewed: String? = nil
    ) -> (atom: Atom?, issues: [KnowledgeIssue]) {
        var issues: [KnowledgeIssue] = []
        let atomID = raw.id
        func problem(_ field: String?, _ message: String) {
            issues.append(KnowledgeIssue(file: file, atom: atomID, field: field, message: message))
        }

        let familyID = family?.id ?? raw.family ?? ""
        if let id = raw.id {
            let expectedPrefix = familyID + "."
            if !id.hasPrefix(expectedPrefix) || !matches(String(id.dropFirst(expectedPrefix.count)), slugPattern)
                || !matches(familyID, familyIDPattern)
            {
                problem("id", "must be `<family-id>.<slug>` in lower case a-z, 0-9 and '-' (family `\(familyID)`)")
            }
        } else {
            problem("id", "is required")
        }
        if family == nil {
            if raw.family == nil { problem("family", "is required") }
        }
        let type = raw.type.flatMap(Atom.Kind.init(rawValue:))
        if type == nil {
            problem("type", "must be one of \(Atom.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (name, value) in [("title", raw.title), ("summary", raw.summary)] {
            let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if text.isEmpty {
                problem(name, "is required")
            } else if text.count > maxText {
                problem(name, "is longer than \(maxText) characters")
            }
        }
        let manufacturer = family?.manufacturer ?? raw.manufacturer?.trimmingCharacters(in: .whitespaces) ?? ""
        if manufacturer.isEmpty { problem("manufacturer", "is required") }

        let lists: [(String, [String]?)] = [
            ("models", raw.models), ("faultCodes", raw.faultCodes), ("symptoms", raw.symptoms), ("causes", raw.causes),
            ("actions", raw.actions), ("keywords", raw.keywords), ("safety.notes", raw.safety?.notes),
        ]
        for (name, list) in lists {
            guard let list else { continue }
            if list.count > maxListItems { problem(name, "has more than \(maxListItems) items") }
            if list.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                problem(name, "must not contain empty items")
            }
            if list.contains(where: { $0.count > maxText }) { problem(name, "has an item longer than \(maxText) characters") }
        }
        let codes = raw.faultCodes ?? []
        if type == .fault && codes.isEmpty && manufacturer != "Klipper" {
            problem("faultCodes", "a fault atom needs at least one fault code")
        }
        for code in codes where FaultCode.key(code).isEmpty {
            problem("faultCodes", "`\(code)` has no letters or digits")
        }
        let level = raw.safety?.level.flatMap(Atom.Safety.Level.init(rawValue:))
        if level == nil {
            problem("safety.level", "must be one of \(Atom.Safety.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        } else if let level, level >= .warning, (raw.safety?.notes ?? []).isEmpty {
            problem("safety.notes", "a \(level.rawValue) needs at least one safety note")
        }

        var source = Atom.Source()
        if let raw = raw.source {
            if let ref = raw.ref {
                if let named = sources[ref] {
                    source = named
                } else {
                    problem("source.ref", "`\(ref)` is not one of the file's sources")
                }
            }
            if let document = raw.document { source.document = document }
            if let url = raw.url { source.url = url }
            source.section = raw.section ?? source.section
        }
        if source.isEmpty { problem("source", "needs a document or a URL") }
        if let url = source.url, !url.isEmpty, !isWebURL(url) {
            problem("source.url", "must be an http:// or https:// address")
        }
        let reviewed = raw.lastReviewed ?? defaultReviewed ?? ""
        if !isDate(reviewed) { problem("lastReviewed", "must be a date YYYY-MM-DD") }

        guard issues.isEmpty, let id = raw.id, let type, let level else { return (nil, issues) }
        let atom = Atom(
            id: id, type: type, title: trimmed(raw.title), summary: trimmed(raw.summary), manufacturer: manufacturer,
            family: familyID, familyName: family?.name ?? raw.familyName ?? familyID, models: raw.models ?? [],
            faultCodes: codes, symptoms: raw.symptoms ?? [], causes: raw.causes ?? [], actions: raw.actions ?? [],
            safety: Atom.Safety(level: level, notes: raw.safety?.notes ?? []), keywords: raw.keywords ?? [], source: source,
            lastReviewed: reviewed)
        return (atom, [])
    }

    /// An absolute `http` or `https` address with a host: the only links stored text may become (`javascript:`,
    /// `data:` and the like would run or show something in the reader's browser).
    public static func isWebURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return false }
        return !text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) || CharacterSet.whitespaces.contains($0) }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    /// A real calendar day written `YYYY-MM-DD`. Checked by arithmetic: this runs for every atom at start-up.
    static func isDate(_ text: String) -> Bool {
        guard matches(text, #"^\d{4}-\d{2}-\d{2}$"#) else { return false }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        guard (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    private static func trimmed(_ text: String?) -> String {
        (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
