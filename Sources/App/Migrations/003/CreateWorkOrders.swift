import Fluent
import SQLKit

struct UpdateOrganizationAddSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organization.schema)
            .field("require_failure_codes", .bool, .required, .sql(.default(false)))
            .update()
        try await database.schema(Organization.schema)
            .field("allow_negative_stock", .bool, .required, .sql(.default(false)))
            .update()
        try await database.schema(Organization.schema)
            .field("public_requests", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organization.schema).deleteField("public_requests").update()
        try await database.schema(Organization.schema).deleteField("allow_negative_stock").update()
        try await database.schema(Organization.schema).deleteField("require_failure_codes").update()
    }
}

struct CreateCounter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Counter.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("value", .int, .required)
            .unique(on: "organization_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Counter.schema).delete()
    }
}

struct CreateTeam: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Team.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("member_ids", .array(of: .uuid), .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Team.schema).delete()
    }
}

struct CreateFailureCode: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FailureCode.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("category", .string, .required)
            .field("code", .string, .required)
            .field("description", .string, .required)
            .field("asset_kind", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "category", "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FailureCode.schema).delete()
    }
}

struct CreateWorkOrder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WorkOrder.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("description", .string)
            .field("type", .string, .required)
            .field("priority", .string, .required)
            .field("status", .string, .required)
            .field("source", .string, .required)
            .field("site_id", .uuid, .required, .references(Site.schema, .id, onDelete: .restrict))
            .field("asset_id", .uuid, .references(Asset.schema, .id, onDelete: .setNull))
            .field("location_id", .uuid, .references(Location.schema, .id, onDelete: .setNull))
            .field("team_id", .uuid, .references(Team.schema, .id, onDelete: .setNull))
            .field("assignee_ids", .array(of: .uuid), .required)
            .field("due_at", .datetime)
            .field("estimated_minutes", .int)
            .field("created_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("requested_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("resolution_note", .string)
            .field("status_reason", .string)
            .field("problem_code_id", .uuid, .references(FailureCode.schema, .id, onDelete: .setNull))
            .field("cause_code_id", .uuid, .references(FailureCode.schema, .id, onDelete: .setNull))
            .field("remedy_code_id", .uuid, .references(FailureCode.schema, .id, onDelete: .setNull))
            .field("fault_codes", .array(of: .string))
            .field("started_at", .datetime)
            .field("completed_at", .datetime)
            .field("completed_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("pm_schedule_id", .uuid)
            .field("pm_due_at", .datetime)
            .field("parent_work_order_id", .uuid, .references(WorkOrder.schema, .id, onDelete: .setNull))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "number")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "work_orders_status_idx").on(WorkOrder.schema).column("organization_id").column("status").run()
            try await sql.create(index: "work_orders_asset_idx").on(WorkOrder.schema).column("asset_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WorkOrder.schema).delete()
    }
}
