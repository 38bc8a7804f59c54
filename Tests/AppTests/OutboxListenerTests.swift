import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// Two replicas on one PostgreSQL database: what is committed through one reaches the other's live pages.
@Suite("Outbox across replicas")
struct OutboxListenerTests {
    /// The first event on `stream` that `match` accepts, or nil after `timeout`.
    static func first(
        _ stream: AsyncStream<DomainEvent>, within timeout: Duration, where match: @escaping @Sendable (DomainEvent) -> Bool
    ) async -> DomainEvent? {
        await withTaskGroup(of: DomainEvent?.self) { group in
            group.addTask {
                for await event in stream where match(event) { return event }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let found = await group.next() ?? nil
            group.cancelAll()
            return found
        }
    }

    /// Waits until a session of the database listens on the schema's channel.
    static func listening(on schema: String, _ app: Application) async throws -> Bool {
        for _ in 0..<100 {
            let rows = try await app.db.sql.raw(
                "SELECT 1 AS one FROM pg_stat_activity WHERE query ILIKE \(bind: "LISTEN %" + OutboxListener.channel(schema: schema) + "%")"
            ).all()
            if !rows.isEmpty { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func aChangeThroughOneReplicaReachesTheOthersLivePagesAndTheWritersOnce() async throws {
        guard TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            guard case .postgres(_, let searchPath?) = app.config.database else { return }
            let replica = try await Application.make(.testing)
            let (listener, own) = (OutboxListener(), OutboxListener())
            do {
                try await configure(replica, with: app.config)
                try await listener.didBootAsync(replica)
                try await own.didBootAsync(app)
                #expect(try await Self.listening(on: searchPath, app))
                let tenant = try await app.makeTenant()
                let asset = try await app.makeAsset(tenant)
                let elsewhere = replica.events.subscribe()
                let here = app.events.subscribe()
                let order = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
                let heard = await Self.first(elsewhere, within: .seconds(10)) { $0.name == .workOrderCreated && $0.entityID == order }
                #expect(heard?.organizationID == tenant.organizationID)
                // The writer published it itself; the notification that follows is the same event, dropped.
                try await Task.sleep(for: .milliseconds(500))
                let marker = UUID()
                app.events.publish(DomainEvent(.workOrderUpdated, organizationID: marker, entityID: marker))
                var created = 0
                for await event in here {
                    if event.organizationID == marker { break }
                    if event.name == .workOrderCreated && event.entityID == order { created += 1 }
                }
                #expect(created == 1)
            } catch {
                Issue.record(error)
            }
            await listener.shutdownAsync(replica)
            await own.shutdownAsync(app)
            try await replica.asyncShutdown()
        }
    }
}
