import Fluent

struct CreateCustomField: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CustomField.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("key", .string, .required)
            .field("label", .string, .required)
            .field("type", .string, .required)
            .field("required", .bool, .required)
            .field("options", .array(of: .string))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CustomField.schema).delete()
    }
}
