import Foundation

extension KnowledgeBase {
    /// Every problem in the knowledge base at `directory`: each file's own (schema, citations, dates) and those
    /// across files (duplicate ids, a code on two atoms of one family, an alias claimed by two families).
    public static func lint(directory: URL) throws -> (base: KnowledgeBase, issues: [KnowledgeIssue]) {
        let (base, issues) = try load(from: directory)
        return (base, issues + base.crossChecks())
    }

    /// The checks that need the whole knowledge base.
    public func crossChecks() -> [KnowledgeIssue] {
        var issues: [KnowledgeIssue] = []
        var seenIDs: [String: String] = [:]
        var codeOwners: [String: String] = [:]
        for atom in atoms {
            let file = atom.family + ".json"
            if let other = seenIDs[atom.id] {
                issues.append(KnowledgeIssue(file: file, atom: atom.id, field: "id", message: "is also used in \(other)"))
            }
            seenIDs[atom.id] = file
            for code in Set(atom.faultCodes.map(FaultCode.key)) {
                let key = atom.family + "|" + code
                if let other = codeOwners[key] {
                    issues.append(
                        KnowledgeIssue(file: file, atom: atom.id, field: "faultCodes", message: "code \(code) is also on \(other)"))
                } else {
                    codeOwners[key] = atom.id
                }
            }
        }
        var aliasOwners: [String: String] = [:]
        for family in families.values.sorted(by: { $0.id < $1.id }) {
            for alias in Set(family.aliases.map(TextNormalizer.squash)) {
                if let other = aliasOwners[alias], other != family.id {
                    issues.append(
                        KnowledgeIssue(
                            file: family.id + ".json", field: "family.aliases", message: "`\(alias)` also names \(other)"))
                }
                aliasOwners[alias] = family.id
            }
        }
        let families = Set(self.families.keys)
        for family in families where !atoms.contains(where: { $0.family == family }) {
            issues.append(KnowledgeIssue(file: family + ".json", field: "atoms", message: "the family has no atoms"))
        }
        return issues
    }
}
