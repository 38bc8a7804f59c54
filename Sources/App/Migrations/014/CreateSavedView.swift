import Fluent

/// Saved list views (named filters), a member's own or shared with the organization.
struct CreateSavedView: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SavedView.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("page", .string, .required)
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("shared", .bool, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SavedView.schema).delete()
    }
}
