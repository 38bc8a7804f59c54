import Fluent
import Foundation
import SQLKit

extension AuditEvents {
    static let sorts = [SortColumn("sequence", "sequence", .int)]

    /// One page of the organization's trail narrowed by `filter`, decoded straight from the rows: the API's list
    /// and the audit page's.
    static func list(_ filter: Filter, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws
        -> (items: [AuditEventDTO], nextCursor: String?)
    {
        let table = AuditEvent.schema
        return try await principal.page(AuditEventDTO.self, requiring: .auditRead, parameters, sorts: sorts, on: db) { select in
            if let action = filter.action { select.where(table, "action", is: action) }
            if let entityType = filter.entityType { select.where(table, "entity_type", is: entityType) }
            if let entityID = filter.entityID { select.where(table, "entity_id", is: entityID) }
            if let actorID = filter.actorID { select.where(table, "actor_id", is: actorID) }
            if let since = filter.since { select.where(table, "occurred_at", .greaterThanOrEqual, since) }
            if let until = filter.until { select.where(table, "occurred_at", .lessThan, until) }
        }
    }
}

extension AuditEventDTO: RowDecodable {
    static let table = AuditEvent.schema
    static let columns = [
        "id", "sequence", "actor_type", "actor_id", "actor_label", "action", "entity_type", "entity_id", "before", "after", "request_id",
        "client_address", "occurred_at", "previous_hash", "hash",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), sequence: try row.int("sequence"),
            actor: Actor(type: try row.string("actor_type"), id: try row.optionalUUID("actor_id"), label: try row.string("actor_label")),
            action: try row.string("action"), entityType: try row.string("entity_type"), entityId: try row.optionalUUID("entity_id"),
            before: JSONValue.parse(try row.optionalString("before")), after: JSONValue.parse(try row.optionalString("after")),
            requestId: try row.optionalString("request_id"), clientAddress: try row.optionalString("client_address"),
            occurredAt: try row.date("occurred_at"), previousHash: try row.string("previous_hash"), hash: try row.string("hash"))
    }
}
