import Fluent
import SQLKit

/// The durable queue of background work (``JobQueue``): what to run, when, how often it was tried, and who holds it.
struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .cascade))
            .field("payload", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        let sql = try database.sql
        // What a runner claims: due queued jobs and expired leases, oldest first.
        try await sql.raw(#"CREATE INDEX jobs_due_idx ON jobs ("state", "run_at")"#).run()
        try await sql.raw(#"CREATE INDEX jobs_organization_idx ON jobs ("organization_id", "created_at")"#).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
