import Diagnostics
import Fluent
import Vapor

/// `/knowledge`: the built-in knowledge base, read-only: its families, and any atom by id (an organization's own
/// atoms included), with the organization's feedback on it.
struct KnowledgeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let knowledge = routes.grouped("knowledge")
        knowledge.get("families", use: Self.families)
        knowledge.get("atoms", ":atomId", use: Self.atom)
    }

    struct FamilyDTO: Content {
        var id: String
        var manufacturer: String
        var name: String
        var models: [String]
        var atomCount: Int
    }

    struct AtomDTO: Content {
        var atom: Atom
        var builtIn: Bool
        var feedback: FeedbackCounts
    }

    @Sendable static func families(_ request: Request) async throws -> Page<FamilyDTO> {
        try request.principal.require(.knowledgeRead)
        let base = try KnowledgeService.requireBuiltIn().base
        let counts = Dictionary(grouping: base.atoms, by: \.family).mapValues(\.count)
        let items = base.families.values.sorted { ($0.manufacturer, $0.name) < ($1.manufacturer, $1.name) }.map {
            FamilyDTO(id: $0.id, manufacturer: $0.manufacturer, name: $0.name, models: $0.models, atomCount: counts[$0.id] ?? 0)
        }
        return Page(items: items, nextCursor: nil)
    }

    @Sendable static func atom(_ request: Request) async throws -> AtomDTO {
        let principal = try request.principal
        try principal.require(.knowledgeRead)
        let id = request.parameters.get("atomId") ?? ""
        let base = try KnowledgeService.requireBuiltIn().base
        var found: (Atom, Bool)?
        if id.hasPrefix(AtomRules.organizationPrefix) {
            let key = String(id.dropFirst(AtomRules.organizationPrefix.count))
            if let row = try await principal.query(KnowledgeAtom.self, on: request.db).filter(\.$key == key).first() {
                found = (row.atom, false)
            }
        } else if let atom = base.atom(id: id) {
            found = (atom, true)
        }
        guard let (atom, builtIn) = found else { throw AppError.notFound("No such atom.") }
        let counts = try await KnowledgeService.feedback(for: principal.organizationID, atomID: atom.id, on: request.db)
        return AtomDTO(atom: atom, builtIn: builtIn, feedback: counts[atom.id] ?? FeedbackCounts())
    }
}
