import Fluent

struct CreatePMSchedule: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PMSchedule.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("site_id", .uuid, .required, .references(Site.schema, .id, onDelete: .restrict))
            .field("asset_id", .uuid, .required, .references(Asset.schema, .id, onDelete: .cascade))
            .field("title", .string, .required)
            .field("description", .string)
            .field("type", .string, .required)
            .field("priority", .string, .required)
            .field("calendar_every", .int)
            .field("calendar_unit", .string)
            .field("calendar_basis", .string)
            .field("meter_id", .uuid, .references(Meter.schema, .id, onDelete: .setNull))
            .field("meter_every", .double)
            .field("lead_days", .int, .required)
            .field("next_due_at", .datetime)
            .field("next_due_reading", .double)
            .field("assignee_ids", .array(of: .uuid), .required)
            .field("team_id", .uuid, .references(Team.schema, .id, onDelete: .setNull))
            .field("estimated_minutes", .int)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(PMGeneration.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("pm_schedule_id", .uuid, .required, .references(PMSchedule.schema, .id, onDelete: .cascade))
            .field("due_key", .string, .required)
            .field("work_order_id", .uuid, .required, .references(WorkOrder.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "pm_schedule_id", "due_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PMGeneration.schema).delete()
        try await database.schema(PMSchedule.schema).delete()
    }
}
