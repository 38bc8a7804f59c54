import Fluent
import SQLKit

struct CreateClient: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Client.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("email", .string)
            .field("phone", .string)
            .field("notes", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Client.schema).delete()
    }
}

struct CreateSite: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Site.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("client_id", .uuid, .references(Client.schema, .id, onDelete: .restrict))
            .field("name", .string, .required)
            .field("address", .string)
            .field("time_zone", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Site.schema).delete()
    }
}

struct CreateLocation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Location.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("site_id", .uuid, .required, .references(Site.schema, .id, onDelete: .restrict))
            .field("parent_id", .uuid, .references(Location.schema, .id, onDelete: .restrict))
            .field("name", .string, .required)
            .field("description", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Location.schema).delete()
    }
}

struct CreateAsset: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Asset.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("site_id", .uuid, .required, .references(Site.schema, .id, onDelete: .restrict))
            .field("location_id", .uuid, .references(Location.schema, .id, onDelete: .restrict))
            .field("parent_id", .uuid, .references(Asset.schema, .id, onDelete: .restrict))
            .field("tag", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("manufacturer", .string)
            .field("model", .string)
            .field("serial_number", .string)
            .field("criticality", .int, .required)
            .field("status", .string, .required)
            .field("install_date", .string)
            .field("warranty_end", .string)
            .field("purchase_cost", .double)
            .field("description", .string)
            .field("custom_fields", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "tag")
            .create()
        try await (database as? any SQLDatabase)?.create(index: "assets_site_idx").on(Asset.schema).column("site_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Asset.schema).delete()
    }
}

struct CreateMeter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Meter.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("asset_id", .uuid, .required, .references(Asset.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("unit", .string, .required)
            .field("monotonic", .bool, .required)
            .field("last_value", .double)
            .field("last_read_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(MeterReading.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("meter_id", .uuid, .required, .references(Meter.schema, .id, onDelete: .cascade))
            .field("value", .double, .required)
            .field("read_at", .datetime, .required)
            .field("recorded_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("work_order_id", .uuid)
            .field("source", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await (database as? any SQLDatabase)?.create(index: "meter_readings_meter_time_idx").on(MeterReading.schema)
            .column("meter_id").column("read_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeterReading.schema).delete()
        try await database.schema(Meter.schema).delete()
    }
}
