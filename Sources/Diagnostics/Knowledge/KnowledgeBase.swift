import Foundation

/// The loaded knowledge: manufacturers, families and atoms, checked, and the names they go by.
public struct KnowledgeBase: Sendable {
    public let manufacturers: [Manufacturer]
    public let families: [String: Family]
    public let atoms: [Atom]
    private let atomsByID: [String: Int]
    /// Squashed name or alias (`pf525`, `g120c`, a model, the family's name) → family id.
    let familyAliases: [String: String]
    /// Squashed name or alias (`ab`, `rockwell`) → manufacturer name.
    let manufacturerAliases: [String: String]
    /// The most words any alias has, so that name detection knows how far to look.
    let longestAlias: Int

    public init(manufacturers: [Manufacturer], families: [Family], atoms: [Atom]) {
        self.manufacturers = manufacturers
        self.families = Dictionary(families.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.atoms = atoms
        atomsByID = Dictionary(atoms.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })

        var longest = 1
        var familyAliases: [String: String] = [:]
        for family in self.families.values.sorted(by: { $0.id < $1.id }) {
            for alias in family.aliases + family.models.map { $0.lowercased() } + [family.name.lowercased()] {
                let squashed = TextNormalizer.squash(alias)
                guard !squashed.isEmpty, familyAliases[squashed] == nil else { continue }
                familyAliases[squashed] = family.id
                longest = max(longest, TextNormalizer.words(alias).count)
            }
        }
        var manufacturerAliases: [String: String] = [:]
        for manufacturer in manufacturers {
            for alias in manufacturer.aliases + [manufacturer.name.lowercased()] {
                let squashed = TextNormalizer.squash(alias)
                guard !squashed.isEmpty else { continue }
                manufacturerAliases[squashed] = manufacturer.name
                longest = max(longest, TextNormalizer.words(alias).count)
            }
        }
        self.familyAliases = familyAliases
        self.manufacturerAliases = manufacturerAliases
        longestAlias = longest
    }

    /// The atom with this id.
    public func atom(id: String) -> Atom? {
        atomsByID[id].map { atoms[$0] }
    }

    /// The canonical manufacturer name that `text` names (`AB`, `a-b`, `Rockwell` → `Allen-Bradley`), if any.
    public func manufacturer(named text: String) -> String? {
        manufacturerAliases[TextNormalizer.squash(text)]
    }

    /// The family that `text` names: its id, or any of its aliases, models or name.
    public func family(named text: String) -> Family? {
        families[text] ?? familyAliases[TextNormalizer.squash(text)].flatMap { families[$0] }
    }

    public enum LoadError: Error, CustomStringConvertible {
        case missingDirectory(String)
        case unreadable(String, String)

        public var description: String {
            switch self {
            case .missingDirectory(let path): "the knowledge base folder \(path) does not exist"
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            }
        }
    }

    /// The knowledge base that ships with Millwright, or the problems that keep an atom out of it.
    public static func builtIn() throws -> (base: KnowledgeBase, issues: [KnowledgeIssue]) {
        try load(from: builtInDirectory())
    }

    /// The folder of the built-in knowledge base: inside the resource bundle next to the executable when the
    /// product is installed, else the one the build made.
    public static func builtInDirectory() -> URL {
        let installed = Bundle.main.bundleURL.appendingPathComponent("Millwright_Diagnostics.resources")
            .appendingPathComponent("knowledge")
        if FileManager.default.fileExists(atPath: installed.path) { return installed }
        return Bundle.module.bundleURL.appendingPathComponent("knowledge")
    }

    /// Reads `manufacturers.json` and every `atoms/*.json` under `directory`. Atoms with problems are left out
    /// and their problems returned; `lint` adds the checks across files.
    public static func load(from directory: URL) throws -> (base: KnowledgeBase, issues: [KnowledgeIssue]) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path) else { throw LoadError.missingDirectory(directory.path) }
        var issues: [KnowledgeIssue] = []
        let decoder = JSONDecoder()

        let manufacturersURL = directory.appendingPathComponent("manufacturers.json")
        struct ManufacturersFile: Decodable { var manufacturers: [Manufacturer] }
        let manufacturers: [Manufacturer]
        do {
            manufacturers = try decoder.decode(ManufacturersFile.self, from: Data(contentsOf: manufacturersURL)).manufacturers
        } catch {
            throw LoadError.unreadable(manufacturersURL.path, "\(error)")
        }
        let manufacturerNames = Set(manufacturers.map(\.name))

        let atomsDirectory = directory.appendingPathComponent("atoms")
        let names = (try? manager.contentsOfDirectory(atPath: atomsDirectory.path)) ?? []
        var families: [Family] = []
        var atoms: [Atom] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = atomsDirectory.appendingPathComponent(name)
            let file: KnowledgeFile
            do {
                file = try decoder.decode(KnowledgeFile.self, from: Data(contentsOf: url))
            } catch {
                issues.append(KnowledgeIssue(file: name, message: "is not a valid family file: \(describe(error))"))
                continue
            }
            let (family, familyIssues) = resolveFamily(file.family, file: name, manufacturers: manufacturerNames)
            issues += familyIssues
            if let reviewed = file.lastReviewed, !AtomRules.isDate(reviewed) {
                issues.append(KnowledgeIssue(file: name, field: "lastReviewed", message: "must be a date YYYY-MM-DD"))
            }
            for (key, source) in file.sources ?? [:] where source.isEmpty {
                issues.append(KnowledgeIssue(file: name, field: "sources.\(key)", message: "needs a document or a URL"))
            }
            guard let family else { continue }
            families.append(family)
            for raw in file.atoms ?? [] {
                let (atom, atomIssues) = AtomRules.resolve(
                    raw, file: name, family: family, sources: file.sources ?? [:], defaultReviewed: file.lastReviewed)
                issues += atomIssues
                if let atom { atoms.append(atom) }
            }
        }
        return (KnowledgeBase(manufacturers: manufacturers, families: families, atoms: atoms), issues)
    }

    static func resolveFamily(
        _ raw: KnowledgeFile.RawFamily?, file: String, manufacturers: Set<String>
    ) -> (Family?, [KnowledgeIssue]) {
        var issues: [KnowledgeIssue] = []
        func problem(_ field: String, _ message: String) {
            issues.append(KnowledgeIssue(file: file, field: "family.\(field)", message: message))
        }
        guard let raw else {
            return (nil, [KnowledgeIssue(file: file, field: "family", message: "is required")])
        }
        let id = raw.id ?? ""
        if !AtomRules.matches(id, AtomRules.familyIDPattern) {
            problem("id", "must be `<vendor>.<family>` in lower case a-z, 0-9 and '-'")
        } else if file != id + ".json" {
            problem("id", "must match the file name (`\(id).json`)")
        }
        if raw.manufacturer.map({ manufacturers.contains($0) }) != true {
            problem("manufacturer", "must be one of manufacturers.json: \(manufacturers.sorted().joined(separator: ", "))")
        }
        if (raw.name ?? "").isEmpty { problem("name", "is required") }
        for alias in raw.aliases ?? [] where alias != alias.lowercased() || alias.trimmingCharacters(in: .whitespaces).isEmpty {
            problem("aliases", "`\(alias)` must be non-empty lower case")
        }
        if let prefix = raw.bareCodePrefix, !AtomRules.matches(prefix, "^[A-Z]{1,2}$") {
            problem("bareCodePrefix", "must be one or two capital letters")
        }
        guard issues.isEmpty, let manufacturer = raw.manufacturer, let name = raw.name else { return (nil, issues) }
        return (
            Family(
                id: id, manufacturer: manufacturer, name: name, models: raw.models ?? [], aliases: raw.aliases ?? [],
                catalogPrefixes: raw.catalogPrefixes ?? [], bareCodePrefix: raw.bareCodePrefix),
            issues
        )
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
