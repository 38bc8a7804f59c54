import Fluent
import SQLKit

struct CreateRequest: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MaintenanceRequest.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("site_id", .uuid, .required, .references(Site.schema, .id, onDelete: .restrict))
            .field("asset_id", .uuid, .references(Asset.schema, .id, onDelete: .setNull))
            .field("title", .string, .required)
            .field("description", .string)
            .field("status", .string, .required)
            .field("requester_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("contact_name", .string)
            .field("contact_email", .string)
            .field("decline_reason", .string)
            .field("work_order_id", .uuid, .references(WorkOrder.schema, .id, onDelete: .setNull))
            .field("status_token_hash", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(Attachment.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .references(WorkOrder.schema, .id, onDelete: .setNull))
            .field("request_id", .uuid, .references(MaintenanceRequest.schema, .id, onDelete: .setNull))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("path", .string, .required)
            .field("uploaded_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "attachments_work_order_idx").on(Attachment.schema).column("work_order_id").run()
            try await sql.create(index: "requests_status_idx").on(MaintenanceRequest.schema).column("organization_id").column("status")
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Attachment.schema).delete()
        try await database.schema(MaintenanceRequest.schema).delete()
    }
}
