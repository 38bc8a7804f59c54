import Fluent
import SQLKit

/// Indexes for the hot reads: a record's history (its audit events in chain order, which the work-order, asset
/// and part pages show) and the home page's counts (open work by priority, work created and completed per week).
/// Without the first, the planner walks the organization's whole chain in sequence order to find one record's
/// events; without the others, each count reads every work-order row.
struct AddHotReadIndexes: AsyncMigration {
    /// Name, table and columns; each replaces the index named in `replaces`, which it starts with.
    static let indexes: [(name: String, table: String, columns: [String], replaces: String?)] = [
        ("audit_events_entity_sequence_idx", "audit_events", ["organization_id", "entity_id", "sequence"], "audit_events_entity_idx"),
        ("work_orders_status_priority_idx", "work_orders", ["organization_id", "status", "priority", "site_id"], "work_orders_status_idx"),
        ("work_orders_created_idx", "work_orders", ["organization_id", "created_at", "site_id"], nil),
        ("work_orders_completed_idx", "work_orders", ["organization_id", "completed_at", "site_id"], nil),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes {
            let columns = index.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try await sql.raw("CREATE INDEX \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: columns))").run()
            if let old = index.replaces { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: old)").run() }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes.reversed() {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run()
        }
        try await sql.raw("CREATE INDEX audit_events_entity_idx ON audit_events (organization_id, entity_id)").run()
        try await sql.raw("CREATE INDEX work_orders_status_idx ON work_orders (organization_id, status)").run()
    }
}
