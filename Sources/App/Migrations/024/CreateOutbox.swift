import Fluent
import SQLKit

/// The transactional outbox (``Outbox``): every domain event, written in the transaction of the change that caused
/// it, until the dispatcher has handed it to its consumers (and a retention period after).
struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("outbox")
            .id()
            .field("name", .string, .required)
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required)
            .field("data", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("dispatched_at", .datetime)
            .create()
        try await database.sql.raw(#"CREATE INDEX outbox_dispatch_idx ON outbox ("dispatched_at", "occurred_at")"#).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox").delete()
    }
}
