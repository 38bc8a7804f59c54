import Foundation

/// What a language model is given to phrase a confident diagnosis, and the checks its text must pass before a
/// technician sees it.
///
/// The model gets only the retrieved atoms and must cite them by id in square brackets. Its text is refused
/// when it cites nothing, cites an atom it was not given, or carries a code or figure that is in neither the
/// atoms nor the query: a phrased answer may reword the knowledge base, never add to it. The plain answer,
/// with its safety notes, is always shown beside it.
public enum AnswerPhrasing {
    /// Most atoms given to the model.
    public static let maxAtoms = 3
    /// Longest text accepted.
    public static let maxLength = 6000

    /// The atoms a confident diagnosis gives the model: the first candidate and the others that also clear the
    /// confidence bar. None for an answer that is not confident: a model is never asked to fill a refusal.
    public static func atoms(for diagnosis: Diagnosis) -> [Diagnosis.Candidate] {
        guard diagnosis.confident, let first = diagnosis.candidates.first else { return [] }
        let others = diagnosis.candidates.dropFirst().filter { $0.confidence >= Diagnoser.confidenceBar }
        return Array(([first] + others).prefix(maxAtoms))
    }

    public static let instructions = """
        You help a maintenance technician standing at a machine. Answer from the troubleshooting atoms given, \
        and from nothing else.
        Rules:
        - Use only facts stated in the atoms. Do not add causes, steps, codes, parameter numbers, values or \
        times that the atoms do not give.
        - After every sentence or list item, cite the atom it comes from by its id in square brackets, \
        for example [rockwell.powerflex-520.f004].
        - Start with the safety notes when an atom has any; keep them complete.
        - Then the likely causes, most likely first, and the steps in order. Be brief: short sentences or a \
        short list.
        - If the atoms do not answer the question, say so in one sentence instead of guessing.
        """

    /// The user turn: the technician's question and each atom in full, headed by the id to cite.
    public static func material(for diagnosis: Diagnosis, atoms: [Diagnosis.Candidate]) -> String {
        var lines = ["Question: \(diagnosis.query)", ""]
        for atom in atoms {
            lines.append("Atom [\(atom.atomId)]")
            lines.append("Title: \(atom.title) (\(atom.manufacturer) \(atom.familyName))")
            if !atom.faultCodes.isEmpty { lines.append("Codes: \(atom.faultCodes.joined(separator: ", "))") }
            lines.append("Summary: \(atom.summary)")
            lines.append("Safety level: \(atom.safety.level.rawValue)")
            lines += atom.safety.notes.map { "Safety note: \($0)" }
            lines += atom.causes.map { "Cause: \($0)" }
            lines += atom.actions.enumerated().map { "Step \($0.offset + 1): \($0.element)" }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// Why a model's text is not shown.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong
        /// No atom cited.
        case uncited
        /// Cites ids it was not given.
        case unknownCitations([String])
        /// Carries codes or figures found in neither the atoms nor the question.
        case unsupported([String])

        public var description: String {
            switch self {
            case .empty: "the answer was empty"
            case .tooLong: "the answer was longer than \(AnswerPhrasing.maxLength) characters"
            case .uncited: "the answer cited no atom"
            case .unknownCitations(let ids): "the answer cited atoms it was not given: \(ids.joined(separator: ", "))"
            case .unsupported(let tokens): "the answer stated codes or figures the atoms do not give: \(tokens.joined(separator: ", "))"
            }
        }
    }

    /// A checked text and the atoms it cites, in order of first citation.
    public struct Checked: Equatable, Sendable {
        public var text: String
        public var citations: [String]
    }

    /// Checks a model's `text` against the atoms it was given.
    public static func check(_ text: String, atoms: [Diagnosis.Candidate], query: String) -> Result<Checked, Rejection> {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.count <= maxLength else { return .failure(.tooLong) }
        let given = Set(atoms.map(\.atomId))
        var cited: [String] = []
        var unknown: [String] = []
        var remainder = ""
        for segment in bracketed(text) {
            switch segment {
            case .text(let plain): remainder += plain + " "
            case .bracket(let inner):
                let ids = inner.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map(String.init)
                guard !ids.isEmpty, ids.allSatisfy({ $0.contains(".") }) else {
                    remainder += "[\(inner)] "
                    continue
                }
                for id in ids {
                    if given.contains(id) {
                        if !cited.contains(id) { cited.append(id) }
                    } else if !unknown.contains(id) {
                        unknown.append(id)
                    }
                }
            }
        }
        if !unknown.isEmpty { return .failure(.unknownCitations(unknown)) }
        if cited.isEmpty { return .failure(.uncited) }
        let unsupported = unsupportedTokens(in: remainder, atoms: atoms, query: query)
        if !unsupported.isEmpty { return .failure(.unsupported(unsupported)) }
        return .success(Checked(text: text, citations: cited))
    }

    enum Segment {
        case text(String)
        case bracket(String)
    }

    /// The text split into plain runs and `[…]` groups.
    static func bracketed(_ text: String) -> [Segment] {
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            segments.append(.text(String(rest[..<open])))
            segments.append(.bracket(rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)))
            rest = rest[rest.index(after: close)...]
        }
        segments.append(.text(String(rest)))
        return segments
    }

    /// Tokens holding a digit (codes, parameter numbers, values, times) that the atoms and the question do not
    /// contain. A lone digit is let through: list numbers and counts ("two checks", "1.") are not facts.
    static func unsupportedTokens(in text: String, atoms: [Diagnosis.Candidate], query: String) -> [String] {
        var sources = [query]
        for atom in atoms {
            sources += [atom.atomId, atom.title, atom.summary, atom.familyName, atom.manufacturer]
            sources += atom.faultCodes + atom.causes + atom.actions + atom.symptoms + atom.safety.notes
        }
        let material = sources.joined(separator: "\n").lowercased()
        let materialKeys = Set(TextNormalizer.words(material).map(FaultCode.key))
        var found: [String] = []
        let separators = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ",;:()\"'`*"))
        for raw in text.components(separatedBy: separators) {
            let token = raw.trimmingCharacters(in: CharacterSet(charactersIn: ".!?-–—/"))
            guard token.contains(where: \.isNumber) else { continue }
            if token.count == 1 { continue }
            // "1." and "2)" at the start of a list item.
            if token.allSatisfy(\.isNumber), token.count <= 2, raw.hasSuffix(".") || raw.hasSuffix(")") { continue }
            let lower = token.lowercased()
            if materialKeys.contains(FaultCode.key(lower)) || containsWord(lower, in: material) { continue }
            if !found.contains(token) { found.append(token) }
        }
        return found
    }

    /// Whether `word` occurs in `text` with no letter or digit right before or after it: `10` is not in `100 ms`.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: word, range: searchRange) {
            let before = found.lowerBound > text.startIndex ? text[text.index(before: found.lowerBound)] : " "
            let after = found.upperBound < text.endIndex ? text[found.upperBound] : " "
            if !(before.isLetter || before.isNumber) && !(after.isLetter || after.isNumber) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }
}
