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

    static let sortFields: [SortField<AuditEvent>] = [
        SortField("sequence", "sequence") { .int($0.sequence) }
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.auditRead)
        let query = principal.query(AuditEvent.self, on: request.db)
        if let action = request.queryParameter("action") { query.filter(\.$action == action) }
        if let entityType = request.queryParameter("entityType") { query.filter(\.$entityType == entityType) }
        if let entityID = try request.queryUUID("entityId") { query.filter(\.$entityID == entityID) }
        if let actorID = try request.queryUUID("actorId") { query.filter(\.$actorID == actorID) }
        if let since = try request.queryDate("since") { query.filter(\.$occurredAt >= since) }
        if let until = try request.queryDate("until") { query.filter(\.$occurredAt < until) }
        return try await Listing.respond(
            request, query: query, sortFields: sortFields, defaultSort: "-sequence", filename: "audit-events"
        ) { $0.dto }
    }

    @Sendable static func show(_ request: Request) async throws -> AuditEventDTO {
        let principal = try request.principal
        try principal.require(.auditRead)
        return try await principal.find(AuditEvent.self, request.pathID("auditEventID"), on: request.db).dto
    }

    @Sendable static func verify(_ request: Request) async throws -> AuditChain.Verification {
        let principal = try request.principal
        try principal.require(.auditRead)
        return try await AuditLog.verify(organizationID: principal.organizationID, seal: request.application.auditSeal, on: request.db)
    }
}

extension AuditChain.Verification: Content {}
