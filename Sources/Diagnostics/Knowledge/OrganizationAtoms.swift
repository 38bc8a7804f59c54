import Foundation

/// Atoms an organization writes itself ("on Line 2 this F004 is always the loose DC-bus fuse"). They live in the
/// organization's database rows, not in files, and their ids are `org.<key>`.
extension AtomRules {
    public static let organizationPrefix = "org."

    /// Resolves an atom sent through the API or an import.
    ///
    /// - Parameters:
    ///   - key: the organization's own stable key (`line2-f004`); the atom id becomes `org.<key>`.
    ///   - base: the built-in knowledge base, whose families an organization atom may join (`family` may be a family
    ///     id or any of its aliases); an atom outside them names its `manufacturer`.
    ///   - today: `lastReviewed` when the atom gives none.
    public static func resolveOrganizationAtom(
        _ raw: RawAtom, key: String, base: KnowledgeBase, today: String, defaultSource: String
    ) -> (atom: Atom?, issues: [KnowledgeIssue]) {
        var issues: [KnowledgeIssue] = []
        if !matches(key, slugPattern) || key.count > 80 {
            issues.append(
                KnowledgeIssue(file: "body", field: "key", message: "must be 1–80 characters of lower case a-z, 0-9 and '-'"))
        }
        var family: Family?
        if let name = raw.family?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            family = base.family(named: name)
            if family == nil {
                issues.append(KnowledgeIssue(file: "body", field: "family", message: "is not a family of the knowledge base"))
            }
        }
        if let family, let manufacturer = raw.manufacturer, !manufacturer.isEmpty,
            (base.manufacturer(named: manufacturer) ?? manufacturer) != family.manufacturer
        {
            issues.append(
                KnowledgeIssue(
                    file: "body", field: "manufacturer", message: "does not match the family's manufacturer \(family.manufacturer)"))
        }
        let given = raw.manufacturer?.trimmingCharacters(in: .whitespaces)
        // A known manufacturer under its canonical name (`AB` → `Allen-Bradley`); any other as written.
        let manufacturer = family?.manufacturer ?? given.flatMap { base.manufacturer(named: $0) ?? ($0.isEmpty ? nil : $0) }
        let own = Family(id: "org.custom", manufacturer: manufacturer ?? "", name: manufacturer ?? "Organization")
        var resolvedRaw = raw
        resolvedRaw.id = (family ?? own).id + "." + key
        if resolvedRaw.source == nil || (resolvedRaw.source?.document ?? "").isEmpty && (resolvedRaw.source?.url ?? "").isEmpty {
            resolvedRaw.source = RawAtom.RawSource(ref: nil, document: defaultSource, section: raw.source?.section, url: nil)
        }
        let (atom, atomIssues) = resolve(
            resolvedRaw, file: "body", family: family ?? own, sources: [:], defaultReviewed: today)
        issues += atomIssues.filter { $0.field != "id" }.map { issue in
            var issue = issue
            issue.atom = nil
            return issue
        }
        guard issues.isEmpty, var atom else { return (nil, issues) }
        atom.id = organizationPrefix + key
        if family == nil { atom.family = "org.custom" }
        return (atom, [])
    }

    /// A key made from a title: `Line 2 F004: DC-bus fuse` → `line-2-f004-dc-bus-fuse`.
    public static func key(fromTitle title: String) -> String {
        let words = TextNormalizer.words(title)
        var key = ""
        for word in words where key.count + word.count < 70 {
            key += key.isEmpty ? word : "-" + word
        }
        return key.isEmpty ? "atom" : key
    }
}
