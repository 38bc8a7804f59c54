import Fluent
import SQLKit

/// Members join by accepting an invitation instead of being added silently.
struct CreateInvitation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Invitation.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("email", .string, .required)
            .field("name", .string)
            .field("role", .string, .required)
            .field("site_ids", .array(of: .uuid))
            .field("token_hash", .string, .required)
            .field("invited_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.sql.raw("CREATE INDEX invitations_organization_email ON invitations (organization_id, email)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Invitation.schema).delete()
    }
}
