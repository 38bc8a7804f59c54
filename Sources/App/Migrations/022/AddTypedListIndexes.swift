import Fluent
import SQLKit

/// Indexes for the filters the typed lists and pages added: a request's and an asset's attachments, a diagnosis's
/// feedback, an asset's sub-assets and schedules, a part's stock, a requester's own requests and a member's own
/// diagnoses (the home page). Without them each is a scan of the organization's rows.
struct AddTypedListIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("attachments_request_idx", "attachments", ["request_id"]),
        ("attachments_asset_idx", "attachments", ["asset_id"]),
        ("diagnosis_feedback_diagnosis_idx", "diagnosis_feedback", ["diagnosis_id"]),
        ("assets_parent_idx", "assets", ["parent_id"]),
        ("pm_schedules_asset_idx", "pm_schedules", ["asset_id"]),
        ("stock_levels_part_idx", "stock_levels", ["part_id"]),
        ("requests_requester_idx", "requests", ["organization_id", "requester_user_id", "created_at"]),
        ("diagnoses_creator_idx", "diagnoses", ["organization_id", "created_by_user_id", "created_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes {
            let columns = index.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try await sql.raw("CREATE INDEX \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: columns))").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes.reversed() { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run() }
    }
}
