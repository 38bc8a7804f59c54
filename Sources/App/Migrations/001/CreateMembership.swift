import Fluent

struct CreateMembership: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Membership.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .field("site_ids", .array(of: .uuid))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Membership.schema).delete()
    }
}
