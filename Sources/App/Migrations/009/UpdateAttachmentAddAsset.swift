import Fluent

struct UpdateAttachmentAddAsset: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Attachment.schema)
            .field("asset_id", .uuid, .references(Asset.schema, .id, onDelete: .setNull))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Attachment.schema).deleteField("asset_id").update()
    }
}
