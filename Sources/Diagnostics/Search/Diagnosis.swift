import Foundation

/// The answer to a diagnosis query: what was recognised, whether the answer is confident, and the ranked atoms.
public struct Diagnosis: Codable, Hashable, Sendable {
    public struct Detected: Codable, Hashable, Sendable {
        public var manufacturer: String?
        public var family: String?
        public var familyName: String?
        /// The codes found in the query, as the knowledge base writes them when it has them (`F004`), else as
        /// written, in capitals.
        public var codes: [String]
    }

    public struct Candidate: Codable, Hashable, Sendable {
        public var atomId: String
        public var type: Atom.Kind
        public var title: String
        public var summary: String
        public var manufacturer: String
        public var family: String
        public var familyName: String
        public var faultCodes: [String]
        public var score: Double
        /// 0…1: how sure the ranker is that this atom answers the query.
        public var confidence: Double
        /// Why the atom is here: `code F004 in PowerFlex 520-series`, `text: overvoltage, decel`.
        public var matchedOn: [String]
        public var symptoms: [String]
        public var causes: [String]
        public var actions: [String]
        public var safety: Atom.Safety
        public var source: Atom.Source
        public var lastReviewed: String
    }

    public var query: String
    public var detected: Detected
    /// True only when the best candidate clears the confidence bar.
    public var confident: Bool
    /// What could not be matched and why, when the answer is not confident.
    public var unmatched: [String]
    public var candidates: [Candidate]

    public init(query: String, detected: Detected, confident: Bool, unmatched: [String], candidates: [Candidate]) {
        self.query = query
        self.detected = detected
        self.confident = confident
        self.unmatched = unmatched
        self.candidates = candidates
    }
}

extension Diagnosis.Candidate {
    /// The answer as plain lines, safety first: what a terminal prints and a work order's description holds.
    public var explanation: [String] {
        var lines: [String] = []
        if !safety.notes.isEmpty || safety.level >= .warning {
            lines += ["Safety (\(safety.level.rawValue)):"] + safety.notes.map { "- \($0)" } + [""]
        }
        lines.append(summary)
        if !causes.isEmpty { lines += ["", "Likely causes:"] + causes.map { "- \($0)" } }
        if !actions.isEmpty { lines += ["", "Steps:"] + actions.enumerated().map { "\($0.offset + 1). \($0.element)" } }
        let cited = [source.document, source.section, source.url].compactMap { $0 }
        if !cited.isEmpty { lines += ["", "Source: " + cited.joined(separator: ", ")] }
        return lines
    }
}
