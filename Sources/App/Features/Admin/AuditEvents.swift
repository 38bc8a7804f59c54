import Fluent
import Vapor

/// Reading the organization's audit trail and verifying its chain: the queries the API's `/audit-events`
/// routes and the audit page share (admins only).
enum AuditEvents {
    static let sortFields: [SortField<AuditEvent>] = [SortField("sequence", "sequence") { .int($0.sequence) }]

    /// What a reader narrows the trail to; every part is optional.
    struct Filter: Sendable {
        var action: String?
        var entityType: String?
        var entityID: UUID?
        var actorID: UUID?
        var since: Date?
        var until: Date?
    }

    static func query(principal: Principal, filter: Filter = .init(), on db: any Database) throws -> QueryBuilder<AuditEvent> {
        try principal.require(.auditRead)
        let query = principal.query(AuditEvent.self, on: db)
        if let action = filter.action { query.filter(\.$action == action) }
        if let entityType = filter.entityType { query.filter(\.$entityType == entityType) }
        if let entityID = filter.entityID { query.filter(\.$entityID == entityID) }
        if let actorID = filter.actorID { query.filter(\.$actorID == actorID) }
        if let since = filter.since { query.filter(\.$occurredAt >= since) }
        if let until = filter.until { query.filter(\.$occurredAt < until) }
        return query
    }

    /// Walks the organization's whole chain and checks every link and the seal.
    static func verify(principal: Principal, seal: AuditSeal, on db: any Database) async throws -> AuditChain.Verification {
        try principal.require(.auditRead)
        return try await AuditLog.verify(organizationID: principal.organizationID, seal: seal, on: db)
    }
}
