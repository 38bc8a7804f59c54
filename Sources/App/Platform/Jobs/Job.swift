import Fluent
import Foundation
import Vapor

/// One piece of background work as the `jobs` table holds it: what it is (`kind`, a ``JobKind``'s name, and its
/// JSON `payload`), when it may run, how often it was tried and why it last failed, and — while it runs — which
/// runner holds it and until when.
struct JobRecord: Content, Equatable, RowDecodable {
    /// queued → running → succeeded; a failed run goes back to queued after a back-off, or to dead after its last
    /// attempt; a queued job may be cancelled; a dead or cancelled one may be retried.
    enum State: String, Codable, Sendable, CaseIterable {
        case queued, running, succeeded, dead, cancelled
    }

    static let table = "jobs"
    static let columns = [
        "id", "kind", "organization_id", "payload", "state", "attempts", "max_attempts", "run_at", "locked_by", "locked_until",
        "last_error", "created_at", "updated_at", "finished_at",
    ]

    var id: UUID
    var kind: String
    var organizationId: UUID?
    var payload: String
    var state: State
    var attempts: Int
    var maxAttempts: Int
    var runAt: Date
    var lockedBy: String?
    var lockedUntil: Date?
    var lastError: String?
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?

    init(row: RowReader) throws {
        id = try row.uuid("id")
        kind = try row.string("kind")
        organizationId = try row.optionalUUID("organization_id")
        payload = try row.string("payload")
        state = try row.enum("state")
        attempts = try row.int("attempts")
        maxAttempts = try row.int("max_attempts")
        runAt = try row.date("run_at")
        lockedBy = try row.optionalString("locked_by")
        lockedUntil = try row.optionalDate("locked_until")
        lastError = try row.optionalString("last_error")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
        finishedAt = try row.optionalDate("finished_at")
    }
}

/// A kind of background work: its name in the `jobs` table, its payload, how often it is tried, and what running
/// it does. A feature declares its kinds and registers them in `configure` (``JobRegistry``); the runner claims
/// only the kinds it knows.
protocol JobKind {
    associatedtype Payload: Codable & Sendable
    /// Stored in `jobs.kind`: never rename one that may be queued.
    static var name: String { get }
    /// Runs before the job is dead; 8 by default (the last about 10 minutes after the first, at the default back-off).
    static var maxAttempts: Int { get }
    /// Does the work. Throwing fails this attempt (retried after a back-off); it may run again after a crash, so it
    /// must be safe to repeat.
    static func run(_ payload: Payload, job: JobRecord, app: Application) async throws
}

extension JobKind {
    static var maxAttempts: Int { 8 }
}

/// The job kinds this process runs, by name.
struct JobRegistry: Sendable {
    typealias Handler = @Sendable (JobRecord, Application) async throws -> Void
    private(set) var handlers: [String: Handler] = [:]

    mutating func register<Kind: JobKind>(_ kind: Kind.Type) {
        handlers[Kind.name] = { job, app in
            let payload = try JSONDecoder().decode(Kind.Payload.self, from: Data(job.payload.utf8))
            try await Kind.run(payload, job: job, app: app)
        }
    }

    var kinds: [String] { handlers.keys.sorted() }
}
