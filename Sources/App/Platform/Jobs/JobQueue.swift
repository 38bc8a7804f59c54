import Fluent
import Foundation
import SQLKit
import Vapor

/// The durable queue: enqueueing (inside the caller's transaction, so a job exists exactly when the change that
/// asked for it committed), claiming with a lease, and the outcomes of a run. On PostgreSQL several runners claim
/// side by side (`FOR UPDATE SKIP LOCKED`: a row one claims, the others pass over); on SQLite one process writes.
enum JobQueue {
    /// A job's columns, unqualified, as `UPDATE … RETURNING` lists them.
    private static let returning = JobRecord.columns.map { "\"\($0)\"" }.joined(separator: ", ")

    /// Queues `payload` as a `Kind` job, to run at `runAt` (now by default), on `db` — the caller's transaction.
    @discardableResult
    static func enqueue<Kind: JobKind>(
        _ kind: Kind.Type, _ payload: Kind.Payload, organizationID: UUID? = nil, runAt: Date = Date(), on db: any Database
    ) async throws -> UUID {
        let id = UUID()
        let now = Date()
        let json = String(decoding: try JSONEncoder.canonical.encode(payload), as: UTF8.self)
        try await db.sql.raw(
            """
            INSERT INTO "jobs" ("id", "kind", "organization_id", "payload", "state", "attempts", "max_attempts", "run_at", \
            "created_at", "updated_at") VALUES (\(bind: id), \(bind: Kind.name), \(bind: organizationID), \(bind: json), \
            \(bind: JobRecord.State.queued.rawValue), 0, \(bind: Kind.maxAttempts), \(bind: runAt), \(bind: now), \(bind: now))
            """
        ).run()
        return id
    }

    /// Takes up to `limit` jobs of `kinds` that are due — queued with `run_at` passed, or running on a lease that
    /// expired (its runner died) — for `worker`, until `lease` from now; each counts an attempt.
    static func claim(kinds: [String], limit: Int, worker: String, lease: TimeInterval, app: Application) async throws -> [JobRecord] {
        guard !kinds.isEmpty, limit > 0 else { return [] }
        let now = Date()
        let skipLocked = app.db.dialectKind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await app.write { db in
            try await db.sql.raw(
                """
                UPDATE "jobs" SET "state" = 'running', "attempts" = "attempts" + 1, "locked_by" = \(bind: worker), \
                "locked_until" = \(bind: now.addingTimeInterval(lease)), "updated_at" = \(bind: now) \
                WHERE "id" IN (SELECT "id" FROM "jobs" WHERE "kind" IN (\(binds: kinds)) AND \
                (("state" = 'queued' AND "run_at" <= \(bind: now)) OR ("state" = 'running' AND "locked_until" < \(bind: now))) \
                ORDER BY "run_at" LIMIT \(bind: limit)\(unsafeRaw: skipLocked)) RETURNING \(unsafeRaw: returning)
                """
            ).all().map { try JobRecord(row: RowReader($0)) }
        }
    }

    /// The run of `job` by `worker` succeeded. False when the job is no longer its (its lease expired and another
    /// runner took it).
    @discardableResult
    static func succeeded(_ job: JobRecord, worker: String, app: Application) async throws -> Bool {
        let now = Date()
        return try await update(
            job, worker: worker, app: app,
            set: """
                "state" = 'succeeded', "locked_by" = NULL, "locked_until" = NULL, "last_error" = NULL, \
                "finished_at" = \(bind: now), "updated_at" = \(bind: now)
                """)
    }

    /// The run of `job` failed with `error`: queued again after `backoff`, or dead after its last attempt.
    @discardableResult
    static func failed(_ job: JobRecord, error: String, backoff: TimeInterval, worker: String, app: Application) async throws -> Bool {
        let now = Date()
        let message = String(error.prefix(2000))
        if job.attempts >= job.maxAttempts {
            return try await update(
                job, worker: worker, app: app,
                set: """
                    "state" = 'dead', "locked_by" = NULL, "locked_until" = NULL, "last_error" = \(bind: message), \
                    "finished_at" = \(bind: now), "updated_at" = \(bind: now)
                    """)
        }
        return try await update(
            job, worker: worker, app: app,
            set: """
                "state" = 'queued', "locked_by" = NULL, "locked_until" = NULL, "last_error" = \(bind: message), \
                "run_at" = \(bind: now.addingTimeInterval(backoff)), "updated_at" = \(bind: now)
                """)
    }

    /// Gives `job` back unfinished (the runner is stopping): queued to run at once, the attempt not counted.
    @discardableResult
    static func release(_ job: JobRecord, worker: String, app: Application) async throws -> Bool {
        let now = Date()
        return try await update(
            job, worker: worker, app: app,
            set: """
                "state" = 'queued', "attempts" = "attempts" - 1, "locked_by" = NULL, "locked_until" = NULL, \
                "run_at" = \(bind: now), "updated_at" = \(bind: now)
                """)
    }

    private static func update(_ job: JobRecord, worker: String, app: Application, set: SQLQueryString) async throws -> Bool {
        try await app.write { db in
            let rows = try await db.sql.raw(
                """
                UPDATE "jobs" SET \(set) WHERE "id" = \(bind: job.id) AND "state" = 'running' AND "locked_by" = \(bind: worker) \
                RETURNING "id"
                """
            ).all()
            return !rows.isEmpty
        }
    }

    /// Queues a dead, cancelled or waiting job to run now, its attempts counted afresh, on `db` (the caller's
    /// transaction). Nil when there is no such job (of `organizationID`, when given); false when it is running or
    /// has succeeded.
    static func retry(_ id: UUID, organizationID: UUID? = nil, on db: any Database) async throws -> Bool? {
        let now = Date()
        return try await change(
            id, from: [.dead, .cancelled, .queued], organizationID: organizationID, on: db,
            set: #""state" = 'queued', "attempts" = 0, "finished_at" = NULL, "run_at" = \#(bind: now), "updated_at" = \#(bind: now)"#)
    }

    /// Cancels a queued job: it will not run. Nil when there is no such job (of `organizationID`, when given);
    /// false when it is not queued.
    static func cancel(_ id: UUID, organizationID: UUID? = nil, on db: any Database) async throws -> Bool? {
        let now = Date()
        return try await change(
            id, from: [.queued], organizationID: organizationID, on: db,
            set: #""state" = 'cancelled', "finished_at" = \#(bind: now), "updated_at" = \#(bind: now)"#)
    }

    private static func change(
        _ id: UUID, from states: [JobRecord.State], organizationID: UUID?, on db: any Database, set: SQLQueryString
    ) async throws -> Bool? {
        let sql = try db.sql
        let tenant: SQLQueryString = organizationID.map { #" AND "organization_id" = \#(bind: $0)"# } ?? ""
        let changed = try await sql.raw(
            """
            UPDATE "jobs" SET \(set) WHERE "id" = \(bind: id)\(tenant) AND "state" IN (\(binds: states.map(\.rawValue))) \
            RETURNING "id"
            """
        ).all()
        if !changed.isEmpty { return true }
        return try await sql.raw(#"SELECT "id" FROM "jobs" WHERE "id" = \#(bind: id)\#(tenant)"#).first() == nil ? nil : false
    }

    /// The newest jobs, `organizationID`'s and `state`'s only when given, at most `limit`.
    static func list(state: JobRecord.State? = nil, organizationID: UUID? = nil, limit: Int = 100, on db: any Database) async throws
        -> [JobRecord]
    {
        let list = SelectList.of(JobRecord.self).sql
        var conditions: [SQLQueryString] = []
        if let state { conditions.append(#""state" = \#(bind: state.rawValue)"#) }
        if let organizationID { conditions.append(#""organization_id" = \#(bind: organizationID)"#) }
        let filter: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await db.sql.raw(
            #"SELECT \#(unsafeRaw: list) FROM "jobs"\#(filter) ORDER BY "created_at" DESC, "id" DESC LIMIT \#(bind: limit)"#
        ).all().map { try JobRecord(row: RowReader($0)) }
    }

    /// How long to wait before attempt `attempts + 1`: `base` doubled per failed attempt, at most `cap`, give or
    /// take a fifth so that jobs failing together do not retry together.
    static func backoff(afterAttempt attempts: Int, base: TimeInterval, cap: TimeInterval) -> TimeInterval {
        let plain = min(cap, base * pow(2, Double(max(0, attempts - 1))))
        return plain * Double.random(in: 0.8...1.2)
    }
}
