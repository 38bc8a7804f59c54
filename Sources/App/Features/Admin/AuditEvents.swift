import Fluent
import Vapor

/// Reading the organization's audit trail and verifying its chain: the queries the API's `/audit-events`
/// routes and the audit page share (admins only).
enum AuditEvents {
    /// What a reader narrows the trail to; every part is optional.
    struct Filter: Sendable {
        var action: String?
        var entityType: String?
        var entityID: UUID?
        var actorID: UUID?
        var since: Date?
        var until: Date?
    }

    /// Walks the organization's whole chain and checks every link and the seal.
    static func verify(principal: Principal, seal: AuditSeal, on db: any Database) async throws -> AuditChain.Verification {
        try principal.require(.auditRead)
        return try await AuditLog.verify(organizationID: principal.organizationID, seal: seal, on: db)
    }
}
