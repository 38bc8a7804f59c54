import Fluent

struct CreateAuditEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("sequence", .int, .required)
            .field("actor_type", .string, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .uuid)
            .field("before", .string)
            .field("after", .string)
            .field("request_id", .string)
            .field("client_address", .string)
            .field("occurred_at", .datetime, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "organization_id", "sequence")
            .create()
        try await database.schema(AuditChainHead.schema)
            .field("organization_id", .uuid, .identifier(auto: false), .references(Organization.schema, .id, onDelete: .cascade))
            .field("sequence", .int, .required)
            .field("hash", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema).delete()
        try await database.schema(AuditEvent.schema).delete()
    }
}
