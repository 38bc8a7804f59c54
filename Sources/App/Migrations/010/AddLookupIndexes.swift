import Fluent
import SQLKit

/// Indexes for the lookups every request makes (credentials, memberships) and the filters lists offer, so that
/// they stay index scans at the planned scale (10k assets, 1M work orders per tenant).
struct AddLookupIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("memberships_user_idx", "memberships", ["user_id"]),
        ("refresh_tokens_family_idx", "refresh_tokens", ["family_id"]),
        ("audit_events_entity_idx", "audit_events", ["organization_id", "entity_id"]),
        ("audit_events_action_idx", "audit_events", ["organization_id", "action"]),
        ("work_orders_site_idx", "work_orders", ["site_id"]),
        ("work_orders_due_idx", "work_orders", ["organization_id", "due_at"]),
        ("work_orders_pm_idx", "work_orders", ["pm_schedule_id"]),
        ("locations_site_idx", "locations", ["site_id"]),
        ("meters_asset_idx", "meters", ["asset_id"]),
        ("stock_levels_location_idx", "stock_levels", ["location_id"]),
        ("reservations_work_order_idx", "reservations", ["work_order_id"]),
        ("pm_schedules_due_idx", "pm_schedules", ["active", "next_due_at"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes.reversed() {
            try await sql.drop(index: index.name).run()
        }
    }
}
