import Fluent
import SQLKit

/// Web sessions the server can end and expire (replacing Fluent's key-value session table, whose rows carry no owner
/// and no times). Every session open before this migration ends with it.
struct CreateWebSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSessionRecord.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("organization_id", .uuid, .references(Organization.schema, .id, onDelete: .cascade))
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "web_sessions_user_idx").on(WebSessionRecord.schema).column("user_id").run()
        // The two the clean-up of ended sessions filters on.
        try await database.sql.create(index: "web_sessions_last_seen_idx").on(WebSessionRecord.schema).column("last_seen_at").run()
        try await database.sql.create(index: "web_sessions_created_idx").on(WebSessionRecord.schema).column("created_at").run()
        try await database.schema("_fluent_sessions").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSessionRecord.schema).delete()
        try await SessionRecord.migration.prepare(on: database).get()
    }
}
