import Fluent
import SQLKit

struct CreateChecklists: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChecklistTemplate.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("items", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(WorkOrderTask.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("spec", .string, .required)
            .field("result", .string, .required)
            .field("value", .double)
            .field("text", .string)
            .field("choice", .string)
            .field("completed_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("completed_at", .datetime)
            .field("meter_reading_id", .uuid, .references(MeterReading.schema, .id, onDelete: .setNull))
            .field("follow_up_work_order_id", .uuid, .references(WorkOrder.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.schema(PMSchedule.schema)
            .field("checklist_template_id", .uuid, .references(ChecklistTemplate.schema, .id, onDelete: .setNull))
            .update()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "work_order_tasks_work_order_idx").on(WorkOrderTask.schema).column("work_order_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PMSchedule.schema).deleteField("checklist_template_id").update()
        try await database.schema(WorkOrderTask.schema).delete()
        try await database.schema(ChecklistTemplate.schema).delete()
    }
}
