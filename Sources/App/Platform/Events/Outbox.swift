import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Something that must happen for every event of some kinds, durably: a webhook delivery, later the detectors and
/// print dispatch. It is called once per event, inside the dispatcher's transaction, and queues its work there
/// (a job, ``JobQueue/enqueue(_:_:organizationID:runAt:on:)``): the event is marked dispatched in the same
/// transaction, so a consumer sees each event exactly once, and a crash before the commit only means it sees it
/// on the next pass.
struct OutboxConsumer: Sendable {
    var name: String
    /// Gets the event under its outbox row's id (``DomainEvent/id``, the id webhooks and live pages carry).
    var consume: @Sendable (DomainEvent, any Database) async throws -> Void
}

/// The transactional outbox. ``Request/perform(_:)`` (and the few writes that publish without it) record an
/// operation's events with its change, in its transaction; ``OutboxDispatcher`` hands them to the registered
/// consumers; dispatched rows are pruned after ``retention``.
enum Outbox {
    /// How long a dispatched event is kept (for replays and the live pages of replicas that were away).
    static let retention: TimeInterval = 7 * 86_400

    /// Runs `operation` on `db` (a write transaction) and records the events it returns there.
    static func recorded<T: Sendable>(_ operation: @Sendable (any Database) async throws -> Outcome<T>, on db: any Database)
        async throws -> Outcome<T>
    {
        let outcome = try await operation(db)
        try await record(outcome.events, on: db)
        return outcome
    }

    /// Writes `events` on `db`, the transaction of the change that caused them.
    /// On PostgreSQL each row's id is also sent on the schema's channel (``OutboxListener``), delivered when the
    /// transaction commits and never if it rolls back.
    static func record(_ events: [DomainEvent], on db: any Database) async throws {
        let sql = try db.sql
        let postgres = db.dialectKind == .postgres
        for event in events {
            let data = String(decoding: try JSONEncoder.canonical.encode(event.data), as: UTF8.self)
            try await sql.raw(
                """
                INSERT INTO "outbox" ("id", "name", "organization_id", "entity_id", "data", "occurred_at") VALUES \
                (\(bind: event.id), \(bind: event.name.rawValue), \(bind: event.organizationID), \(bind: event.entityID), \
                \(bind: data), \(bind: event.occurredAt))
                """
            ).run()
            if postgres {
                try await sql.raw(
                    "SELECT pg_notify('millwright_events_' || current_schema(), \(bind: event.id.uuidString.lowercased()))"
                ).run()
            }
        }
    }

    /// The outbox row `id`, if it is still there.
    static func row(_ id: UUID, on db: any Database) async throws -> Row? { try await Row.find(id: id, on: db) }

    struct Row: RowDecodable {
        static let table = "outbox"
        static let columns = ["id", "name", "organization_id", "entity_id", "data", "occurred_at", "dispatched_at"]
        var event: DomainEvent
        var dispatchedAt: Date?

        init(row: RowReader) throws {
            event = DomainEvent(
                try row.enum("name"), organizationID: try row.uuid("organization_id"), entityID: try row.uuid("entity_id"),
                data: try JSONDecoder().decode([String: String].self, from: Data(try row.string("data").utf8)), id: try row.uuid("id"))
            event.occurredAt = try row.date("occurred_at")
            dispatchedAt = try row.optionalDate("dispatched_at")
        }
    }

    /// Hands up to `limit` undispatched events, oldest first, to every consumer and marks them dispatched, all in
    /// one transaction; returns how many. On PostgreSQL several replicas dispatch side by side (`SKIP LOCKED`).
    static func dispatch(limit: Int, to consumers: [OutboxConsumer], app: Application) async throws -> Int {
        let skipLocked = app.db.dialectKind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let list = SelectList.of(Row.self).sql
        return try await app.write { db in
            let sql = try db.sql
            let rows = try await sql.raw(
                """
                SELECT \(unsafeRaw: list) FROM "outbox" WHERE "dispatched_at" IS NULL ORDER BY "occurred_at", "id" \
                LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                """
            ).all().map { try Row(row: RowReader($0)) }
            guard !rows.isEmpty else { return 0 }
            for row in rows {
                for consumer in consumers { try await consumer.consume(row.event, db) }
            }
            try await sql.raw(
                #"UPDATE "outbox" SET "dispatched_at" = \#(bind: Date()) WHERE "id" IN (\#(binds: rows.map(\.event.id)))"#
            ).run()
            return rows.count
        }
    }

    /// Deletes the events dispatched longer than `retention` ago; returns how many.
    @discardableResult
    static func prune(olderThan retention: TimeInterval = retention, app: Application) async throws -> Int {
        try await app.write { db in
            try await db.sql.raw(
                #"DELETE FROM "outbox" WHERE "dispatched_at" < \#(bind: Date().addingTimeInterval(-retention)) RETURNING "id""#
            ).all().count
        }
    }

    /// The newest events, for tests and the operator.
    static func recent(limit: Int = 100, on db: any Database) async throws -> [Row] {
        let list = SelectList.of(Row.self).sql
        return try await db.sql.raw(
            #"SELECT \#(unsafeRaw: list) FROM "outbox" ORDER BY "occurred_at" DESC, "id" DESC LIMIT \#(bind: limit)"#
        ).all().map { try Row(row: RowReader($0)) }
    }
}

/// Dispatches the outbox while the server runs: a pass every `interval` (at once again while there was work),
/// and a prune once an hour.
final class OutboxDispatcher: LifecycleHandler, Sendable {
    let interval: Duration
    let batch: Int
    private let loop = BackgroundLoop()

    init(interval: Duration = .milliseconds(500), batch: Int = 200) {
        self.interval = interval
        self.batch = batch
    }

    func didBootAsync(_ application: Application) async throws {
        let (interval, batch) = (interval, batch)
        loop.start {
            var lastPrune = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                var dispatched = 0
                do {
                    dispatched = try await Outbox.dispatch(limit: batch, to: application.outboxConsumers, app: application)
                    if ContinuousClock.now - lastPrune >= .seconds(3600) {
                        try await Outbox.prune(app: application)
                        lastPrune = ContinuousClock.now
                    }
                } catch {
                    application.logger.error("Outbox dispatch failed: \(error)")
                }
                if dispatched < batch { try? await Task.sleep(for: interval) }
            }
        }
    }

    func shutdownAsync(_ application: Application) async { await loop.stop() }
}
