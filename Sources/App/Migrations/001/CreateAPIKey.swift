import Fluent

struct CreateAPIKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIKey.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("prefix", .string, .required)
            .field("key_hash", .string, .required)
            .field("scopes", .array(of: .string), .required)
            .field("created_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("last_used_at", .datetime)
            .field("expires_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "key_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).delete()
    }
}
