import Fluent
import Vapor

/// `/audit-events`: the organization's hash-chained audit trail (admins only).
struct AuditEventController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let events = routes.grouped("audit-events")
        events.get(use: Self.list)
        events.get("verify", use: Self.verify)
        events.get(":auditEventID", use: Self.show)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.auditRead)
        let filter = AuditEvents.Filter(
            action: request.queryParameter("action"), entityType: request.queryParameter("entityType"),
            entityID: try request.queryUUID("entityId"), actorID: try request.queryUUID("actorId"), since: try request.queryDate("since"),
            until: try request.queryDate("until"))
        return try await Listing.respond(request, sorts: AuditEvents.sorts, defaultSort: "-sequence", filename: "audit-events") {
            try await AuditEvents.list(filter, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> AuditEventDTO {
        let principal = try request.principal
        try principal.require(.auditRead)
        return try await principal.find(AuditEvent.self, request.pathID("auditEventID"), on: request.db).dto
    }

    @Sendable static func verify(_ request: Request) async throws -> AuditChain.Verification {
        try await AuditEvents.verify(principal: try request.principal, seal: request.application.auditSeal, on: request.db)
    }
}

extension AuditChain.Verification: Content {}
