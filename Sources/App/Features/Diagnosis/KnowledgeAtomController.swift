import Diagnostics
import Fluent
import Vapor

/// `/knowledge-atoms`: the organization's own troubleshooting atoms ("on Line 2 this F004 is always the loose
/// DC-bus fuse"), with JSON and CSV import and export. They rank beside the built-in atoms, for this
/// organization only.
struct KnowledgeAtomController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let atoms = routes.grouped("knowledge-atoms")
        atoms.get(use: Self.list)
        atoms.post(use: Self.create)
        atoms.get("export", use: Self.export)
        atoms.on(.POST, "import", body: .collect(maxSize: "5mb"), use: Self.importAtoms)
        atoms.get(":knowledgeAtomID", use: Self.show)
        atoms.patch(":knowledgeAtomID", use: Self.update)
        atoms.delete(":knowledgeAtomID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.knowledgeRead)
        let (manufacturer, family) = (request.queryParameter("manufacturer"), request.queryParameter("family"))
        return try await Listing.respond(request, sorts: KnowledgeAtoms.sorts, defaultSort: "key", filename: "knowledge-atoms") {
            try await KnowledgeAtoms.list(manufacturer: manufacturer, family: family, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.knowledgeRead)
        return try await Resources.show(
            try await principal.find(KnowledgeAtom.self, request.pathID("knowledgeAtomID"), on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.knowledgeWrite)
        let base = try KnowledgeService.requireBuiltIn().base
        var body = try JSONBody(request)
        let input = KnowledgeAtomInput(body: &body)
        let (key, atom, problems) = input.resolve(base: base, defaultSource: KnowledgeAtomInput.defaultSource)
        guard let atom else { throw AppError.validation(problems) }
        let response = try await Resources.create(request, path: "knowledge-atoms") { db in
            if try await principal.query(KnowledgeAtom.self, on: db).filter(\.$key == key).count() > 0 {
                throw AppError.invalid("key", "`\(key)` is already used by another of your atoms")
            }
            let row = KnowledgeAtom()
            row.set(atom, key: key)
            return row
        }
        await request.application.knowledge.invalidate(principal.organizationID)
        return response
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.knowledgeWrite)
        let id = try request.pathID("knowledgeAtomID")
        let existing = try await principal.find(KnowledgeAtom.self, id, on: request.db)
        let base = try KnowledgeService.requireBuiltIn().base
        var body = try JSONBody(request)
        var input = KnowledgeAtomInput(atom: existing.atom, key: existing.key)
        input.overlay(&body)
        let (key, atom, problems) = input.resolve(base: base, defaultSource: KnowledgeAtomInput.defaultSource)
        guard let atom else { throw AppError.validation(problems) }
        let response = try await Resources.update(request, load: { try await principal.find(KnowledgeAtom.self, id, on: $0) }) { row, _ in
            row.set(atom, key: key)
        }
        await request.application.knowledge.invalidate(principal.organizationID)
        return response
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.knowledgeWrite)
        let id = try request.pathID("knowledgeAtomID")
        let status = try await Resources.delete(request, load: { try await principal.find(KnowledgeAtom.self, id, on: $0) })
        await request.application.knowledge.invalidate(principal.organizationID)
        return status
    }

    /// Every atom of the organization as `{atoms: [...]}`, in the form `import` reads back.
    @Sendable static func export(_ request: Request) async throws -> KnowledgeExport {
        let principal = try request.principal
        try principal.require(.knowledgeRead)
        let rows = try await principal.query(KnowledgeAtom.self, on: request.db).sort(\.$key).all()
        return KnowledgeExport(atoms: rows.map(\.dto))
    }

    struct KnowledgeExport: Content {
        var atoms: [KnowledgeAtom.DTO]
    }

    /// Adds or replaces (by key) many atoms at once: a JSON `{atoms: [...]}` body or a CSV in the list export's
    /// columns. All or nothing: one bad atom and nothing is written, every problem named.
    @Sendable static func importAtoms(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.knowledgeWrite)
        let inputs = try KnowledgeImport.read(request)
        let context = try request.auditContext
        let result = try await KnowledgeImport.apply(inputs, principal: principal, context: context) { work in
            try await request.write(work)
        }
        await request.application.knowledge.invalidate(principal.organizationID)
        return try await result.encodeResponse(status: .ok, for: request)
    }
}
