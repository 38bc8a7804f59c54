import Fluent
import Vapor

/// `/saved-views`: named list filters. A member sees their own views and the organization's shared ones;
/// sharing, and removing a shared view, is for those who manage work.
struct SavedViewController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let views = routes.grouped("saved-views")
        views.get(use: Self.list)
        views.post(use: Self.create)
        views.delete(":savedViewID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let page = request.queryParameter("page")
        if let page, !SavedView.pages.contains(page) {
            throw AppError.badRequest(
                "A query parameter is not valid.",
                [FieldProblem(field: "page", message: "must be one of \(SavedView.pages.joined(separator: ", "))")])
        }
        return try await Listing.respond(request, sorts: SavedViews.sorts, defaultSort: "name", filename: "saved-views") {
            try await SavedViews.list(page: page, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        var body = try JSONBody(request)
        let view = try await SavedViews.create(from: &body, principal: try request.principal, through: request)
        let response = try await view.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/saved-views/\(view.id.uuidString)")
        return response
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        try await SavedViews.delete(try request.pathID("savedViewID"), principal: try request.principal, through: request)
        return .noContent
    }
}

/// Saving and removing a named list filter: the API's and the list page's operations.
enum SavedViews {
    /// The views the principal may use: their own and the shared ones.
    static func visible(_ principal: Principal, on db: any Database) -> QueryBuilder<SavedView> {
        principal.query(SavedView.self, on: db).group(.or) { group in
            group.filter(\.$shared == true)
            if let userID = principal.userID { group.filter(\.$userID == userID) }
        }
    }

    /// Reads a view from `body` (`name`, `page`, `query`, `shared`), saves it as the principal's and audits it.
    static func create(from body: inout JSONBody, principal: Principal, through request: Request) async throws -> SavedView.DTO {
        try principal.require(.workOrdersRead)
        guard let userID = principal.userID else { throw AppError.forbidden("Saved views belong to people, not API keys.") }
        body.rejectUnknown(allowed: ["name", "page", "query", "shared"])
        let name = body.string("name", required: true, maxLength: 100)
        let page = body.string("page", required: true, maxLength: 50)
        let query = body.string("query", maxLength: 2000, allowEmpty: true) ?? ""
        let shared = body.bool("shared") ?? false
        if let page, !SavedView.pages.contains(page) { body.add("page", "must be one of \(SavedView.pages.joined(separator: ", "))") }
        if query.hasPrefix("?") || query.contains("#") { body.add("query", "must be a query string without ? or #") }
        if shared && !principal.can(.workOrdersManage) { body.add("shared", "needs the permission work-orders:manage") }
        try body.validate()
        let context = try request.auditContext(principal)
        let view = SavedView()
        view.organizationID = principal.organizationID
        view.userID = userID
        view.page = page ?? ""
        view.name = name ?? ""
        view.query = query
        view.shared = shared
        try await request.write { db in
            try await view.create(on: db)
            try await AuditLog.record(
                "saved_view.created", entityType: SavedView.entityType, entityID: view.id, after: view.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
        return view.dto
    }

    /// Removes a view the principal sees: their own, or a shared one if they manage work.
    static func delete(_ id: UUID, principal: Principal, through request: Request) async throws {
        try principal.require(.workOrdersRead)
        guard let view = try await visible(principal, on: request.db).filter(\.$id == id).first() else {
            throw AppError.notFound("No such saved view.")
        }
        if view.userID != principal.userID && !principal.can(.workOrdersManage) {
            throw AppError.forbidden("Only its owner or someone who manages work removes a shared view.")
        }
        let context = try request.auditContext(principal)
        try await request.write { db in
            try await SavedView.query(on: db).filter(\.$id == id).delete()
            try await AuditLog.record(
                "saved_view.deleted", entityType: SavedView.entityType, entityID: id, before: view.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
    }
}
