import Fluent
import Vapor

/// An organization's background jobs as its admins see and steer them (the jobs page): theirs only, and each
/// retry or cancellation audited. The operator's view of every job is `millwright jobs`.
enum OrganizationJobs {
    /// The organization's newest jobs, `state`'s only when given.
    static func list(state: JobRecord.State? = nil, principal: Principal, on db: any Database) async throws -> [JobRecord] {
        try principal.require(.organizationUpdate)
        return try await JobQueue.list(state: state, organizationID: principal.organizationID, limit: 200, on: db)
    }

    /// Runs the organization's dead, cancelled or waiting job `id` again now.
    static func retry(_ id: UUID, principal: Principal, through request: Request) async throws {
        try await steer(
            id, action: "job.retried", refused: "This job is running or has succeeded: there is nothing to retry.", principal: principal,
            through: request
        ) { db in
            try await JobQueue.retry(id, organizationID: principal.organizationID, on: db)
        }
    }

    /// Cancels the organization's queued job `id`.
    static func cancel(_ id: UUID, principal: Principal, through request: Request) async throws {
        try await steer(id, action: "job.cancelled", refused: "Only a queued job can be cancelled.", principal: principal, through: request)
        {
            db in
            try await JobQueue.cancel(id, organizationID: principal.organizationID, on: db)
        }
    }

    private static func steer(
        _ id: UUID, action: String, refused: String, principal: Principal, through request: Request,
        _ change: @escaping @Sendable (any Database) async throws -> Bool?
    ) async throws {
        try principal.require(.organizationUpdate)
        let context = try request.auditContext(principal)
        try await request.write { db in
            let before = try await JobRecord.find(id: id, on: db)
            switch try await change(db) {
            case nil: throw AppError.notFound("No such job.")
            case false?: throw AppError.conflict(refused)
            case true?:
                try await AuditLog.record(
                    action, entityType: "job", entityID: id, before: before, after: try await JobRecord.find(id: id, on: db),
                    organizationID: principal.organizationID, context: context, on: db)
            }
        }
    }
}
