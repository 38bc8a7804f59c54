import Fluent
import SQLKit

struct CreateWorkOrderEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LaborEntry.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .restrict))
            .field("minutes", .int, .required)
            .field("hourly_rate", .double, .required)
            .field("cost", .double, .required)
            .field("note", .string)
            .field("performed_at", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(WorkOrderCost.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("description", .string, .required)
            .field("amount", .double, .required)
            .field("created_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.schema(Comment.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("author_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("body", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Downtime.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("asset_id", .uuid, .required, .references(Asset.schema, .id, onDelete: .cascade))
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("reason", .string)
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            for table in [LaborEntry.schema, WorkOrderCost.schema, Comment.schema, Downtime.schema] {
                try await sql.create(index: "\(table)_work_order_idx").on(table).column("work_order_id").run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [Downtime.schema, Comment.schema, WorkOrderCost.schema, LaborEntry.schema] {
            try await database.schema(schema).delete()
        }
    }
}
