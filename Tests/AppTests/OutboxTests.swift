import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import App

/// The transactional outbox: events written with the change that caused them, handed to each consumer once.
@Suite("Outbox")
struct OutboxTests {
    /// What a test consumer saw, by outbox id; `failing` makes it throw (once per listed key) after queueing a job.
    final class Seen: Sendable {
        let events = NIOLockedValueBox<[UUID: Int]>([:])
        let failNext = NIOLockedValueBox(false)

        func consumer(_ name: String = "test") -> OutboxConsumer {
            OutboxConsumer(name: name) { event, db in
                self.events.withLockedValue { $0[event.id, default: 0] += 1 }
                try await JobQueue.enqueue(
                    TestJob.self, .init(key: event.id.uuidString), organizationID: event.organizationID, on: db)
                if self.failNext.withLockedValue({ fail in
                    defer { fail = false }
                    return fail
                }) {
                    throw JobFailure("consumer failed")
                }
            }
        }
    }

    static func undispatched(_ app: Application) async throws -> [Outbox.Row] {
        try await Outbox.recent(limit: 500, on: app.db).filter { $0.dispatchedAt == nil }
    }

    @Test func anOperationsEventsAreWrittenWithItsChangeAndARefusedOneLeavesNone() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let order = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            var rows = try await Self.undispatched(app)
            #expect(rows.contains { $0.event.name == .workOrderCreated && $0.event.entityID == order })
            let before = rows.count
            let refused = try await app.send(.POST, "/api/v1/work-orders", token: tenant.token, json: ["title": ""])
            #expect(refused.status == .unprocessableEntity)
            let started = try await app.send(.POST, "/api/v1/work-orders/\(order)/start", token: tenant.token)
            #expect(started.status == .ok)
            rows = try await Self.undispatched(app)
            #expect(rows.count == before + 1)
            let changed = try #require(rows.first { $0.event.name == .workOrderStatusChanged })
            #expect(changed.event.entityID == order && changed.event.organizationID == tenant.organizationID)
            #expect(changed.event.data["siteId"] != nil)
        }
    }

    @Test func eachConsumerGetsEachEventOnceAndAFailedPassLeavesNothingHalfDone() async throws {
        try await withTestApp { app in
            app.jobKinds.register(TestJob.self)
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            for _ in 0..<3 { _ = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString]) }
            let pending = try await Self.undispatched(app)
            #expect(pending.count >= 3)
            let seen = Seen()
            // The consumer fails after queueing: the pass rolls back, its jobs with it, and the events wait.
            seen.failNext.withLockedValue { $0 = true }
            await #expect(throws: (any Error).self) { try await Outbox.dispatch(limit: 100, to: [seen.consumer()], app: app) }
            #expect(try await Self.undispatched(app).count == pending.count)
            #expect(try await JobQueue.list(on: app.db).isEmpty)
            // A dispatcher after a crash finds them all; a second pass finds nothing.
            #expect(try await Outbox.dispatch(limit: 100, to: [seen.consumer()], app: app) == pending.count)
            #expect(try await Outbox.dispatch(limit: 100, to: [seen.consumer()], app: app) == 0)
            #expect(try await Self.undispatched(app).isEmpty)
            #expect(try await JobQueue.list(on: app.db).count == pending.count)
            #expect(Set(pending.map(\.event.id)).isSubset(of: Set(seen.events.withLockedValue { $0.keys })))
        }
    }

    @Test func twoDispatchersHandOutEachEventOnce() async throws {
        try await withTestApp { app in
            app.jobKinds.register(TestJob.self)
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            for _ in 0..<30 { _ = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString]) }
            let pending = try await Self.undispatched(app)
            let seen = Seen()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in ["a", "b"] {
                    group.addTask { while try await Outbox.dispatch(limit: 4, to: [seen.consumer(name)], app: app) > 0 {} }
                }
                try await group.waitForAll()
            }
            let counts = seen.events.withLockedValue { $0 }
            #expect(pending.allSatisfy { counts[$0.event.id] == 1 })
            #expect(try await JobQueue.list(limit: 500, on: app.db).count == pending.count)
        }
    }

    @Test func dispatchedEventsArePrunedAfterTheRetentionAndWaitingOnesKept() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            _ = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            #expect(try await Outbox.dispatch(limit: 100, to: [], app: app) > 0)
            let dispatched = try await Outbox.recent(on: app.db)
            _ = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            // One of the dispatched is old.
            let old = try #require(dispatched.first)
            try await app.write { db in
                try await db.sql.raw(
                    #"UPDATE "outbox" SET "dispatched_at" = \#(bind: Date().addingTimeInterval(-8 * 86_400)) WHERE "id" = \#(bind: old.event.id)"#
                ).run()
            }
            #expect(try await Outbox.prune(app: app) == 1)
            let left = try await Outbox.recent(on: app.db)
            #expect(!left.contains { $0.event.id == old.event.id })
            #expect(left.count == dispatched.count - 1 + 1)
            #expect(left.contains { $0.dispatchedAt == nil })
        }
    }
}
