import Diagnostics
import Foundation
import Vapor

/// An organization atom as sent in a body, a JSON import or a CSV row, read with every problem named.
struct KnowledgeAtomInput: Sendable {
    /// The source an organization's own atom cites when it names none.
    static let defaultSource = "The organization's own maintenance knowledge"

    static let fields: Set<String> = [
        "key", "type", "title", "summary", "manufacturer", "family", "models", "faultCodes", "symptoms", "causes", "actions",
        "safety", "keywords", "source", "lastReviewed",
    ]

    var key: String?
    var raw: RawAtom
    /// Problems found reading the fields (wrong types, unknown fields); ``resolve(base:defaultSource:prefix:)``
    /// adds the atom rules' own, so one 422 names them all.
    var problems: [FieldProblem] = []

    /// Reads the fields of `body`; `prefix` names them in problems (`atoms[3].title`).
    init(body: inout JSONBody, prefix: String = "") {
        body.rejectUnknown(allowed: Self.fields.union(["id", "atomId", "familyName", "version", "createdAt", "updatedAt"]))
        key = body.string("key", maxLength: 80)
        raw = RawAtom()
        raw.type = body.string("type", maxLength: 20)
        raw.title = body.string("title", maxLength: 300)
        raw.summary = body.string("summary", maxLength: 4000)
        raw.manufacturer = body.string("manufacturer", maxLength: 100)
        raw.family = body.string("family", maxLength: 100)
        raw.models = body.stringArray("models")
        raw.faultCodes = body.stringArray("faultCodes", maxCount: 20)
        raw.symptoms = body.stringArray("symptoms")
        raw.causes = body.stringArray("causes")
        raw.actions = body.stringArray("actions")
        raw.keywords = body.stringArray("keywords")
        raw.lastReviewed = body.day("lastReviewed")
        switch body.rawValue("safety") {
        case nil, .null?: break
        case .object(let object)?:
            var safety = JSONBody(values: object)
            safety.rejectUnknown(allowed: ["level", "notes"])
            raw.safety = RawAtom.RawSafety(level: safety.string("level", maxLength: 20), notes: safety.stringArray("notes"))
            for problem in safety.problems { body.add("safety.\(problem.field)", problem.message) }
        default: body.add("safety", "must be an object {level, notes}")
        }
        switch body.rawValue("source") {
        case nil, .null?: break
        case .object(let object)?:
            var source = JSONBody(values: object)
            source.rejectUnknown(allowed: ["document", "section", "url"])
            raw.source = RawAtom.RawSource(
                ref: nil, document: source.string("document", maxLength: 300), section: source.string("section", maxLength: 300),
                url: source.string("url", maxLength: 1000))
            for problem in source.problems { body.add("source.\(problem.field)", problem.message) }
        default: body.add("source", "must be an object {document, section, url}")
        }
        problems = body.problems
    }

    /// Starts from a stored atom, for a partial update.
    init(atom: Atom, key: String) {
        self.key = key
        raw = RawAtom(
            id: nil, type: atom.type.rawValue, title: atom.title, summary: atom.summary, manufacturer: atom.manufacturer,
            family: atom.family == "org.custom" ? nil : atom.family, familyName: nil, models: atom.models, faultCodes: atom.faultCodes,
            symptoms: atom.symptoms, causes: atom.causes, actions: atom.actions,
            safety: .init(level: atom.safety.level.rawValue, notes: atom.safety.notes), keywords: atom.keywords,
            source: .init(ref: nil, document: atom.source.document, section: atom.source.section, url: atom.source.url),
            lastReviewed: atom.lastReviewed)
    }

    /// Fields of `body` laid over this input: only those present change; `null` clears an optional one.
    mutating func overlay(_ body: inout JSONBody) {
        let update = KnowledgeAtomInput(body: &body)
        if body.has("key") { body.add("key", "cannot be changed; the atom id is made from it") }
        if body.has("type") { raw.type = update.raw.type }
        if body.has("title") { raw.title = update.raw.title }
        if body.has("summary") { raw.summary = update.raw.summary }
        if body.has("manufacturer") { raw.manufacturer = update.raw.manufacturer }
        if body.has("family") { raw.family = update.raw.family }
        if body.has("models") { raw.models = update.raw.models }
        if body.has("faultCodes") { raw.faultCodes = update.raw.faultCodes }
        if body.has("symptoms") { raw.symptoms = update.raw.symptoms }
        if body.has("causes") { raw.causes = update.raw.causes }
        if body.has("actions") { raw.actions = update.raw.actions }
        if body.has("keywords") { raw.keywords = update.raw.keywords }
        if body.has("lastReviewed") { raw.lastReviewed = update.raw.lastReviewed }
        if body.has("safety") { raw.safety = update.raw.safety }
        if body.has("source") { raw.source = update.raw.source }
        problems = body.problems
    }

    /// The checked atom, or the problems (field names prefixed with `prefix`).
    func resolve(base: KnowledgeBase, defaultSource: String, prefix: String = "") -> (key: String, atom: Atom?, problems: [FieldProblem]) {
        let key = self.key ?? AtomRules.key(fromTitle: raw.title ?? "")
        let today = Date().formatted(.iso8601.year().month().day())
        let (atom, issues) = AtomRules.resolveOrganizationAtom(raw, key: key, base: base, today: today, defaultSource: defaultSource)
        // A field that was already wrong as JSON is reported once, with that reason.
        let read = Set(problems.map(\.field))
        let found =
            problems + issues.map { FieldProblem(field: $0.field ?? "body", message: $0.message) }.filter { !read.contains($0.field) }
        let prefixed = found.map { FieldProblem(field: prefix + $0.field, message: $0.message) }
        return (key, prefixed.isEmpty ? atom : nil, prefixed)
    }
}
