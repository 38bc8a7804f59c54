import Fluent
import Vapor

/// What needs someone's attention — low stock, a PM schedule that could not make its work order — as the API's
/// `/alerts` routes and the alerts page read and resolve them.
enum Alerts {
    /// Marks the alert `id` resolved; resolving a resolved alert changes nothing.
    static func resolve(_ id: UUID, principal: Principal, through request: Request) async throws -> Alert.DTO {
        try principal.require(.partsWrite)
        let context = try request.auditContext(principal)
        return try await request.write { db -> Alert.DTO in
            let alert = try await principal.findInSite(Alert.self, id, on: db)
            guard alert.status == .open else { return alert.dto }
            let before = alert.dto
            alert.status = .resolved
            alert.resolvedAt = Date()
            try await alert.update(on: db)
            try await AuditLog.record(
                "alert.resolved", entityType: "alert", entityID: id, before: before, after: alert.dto,
                organizationID: principal.organizationID,
                context: context, on: db)
            return alert.dto
        }
    }
}
