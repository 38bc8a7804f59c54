import Foundation
import NIOConcurrencyHelpers
import PostgresKit
import PostgresNIO
import Vapor

/// On PostgreSQL, every replica hears every committed event: ``Outbox/record(_:on:)`` sends the outbox row's id
/// with `NOTIFY` in the transaction that wrote it (delivered when it commits), and each replica's listener, on a
/// connection of its own, reads the row and publishes the event to its live pages. The bus drops an event it
/// already published, so the replica that made the change shows it once. On SQLite one process serves, and its
/// own publishing is all there is.
final class OutboxListener: LifecycleHandler, Sendable {
    private let loop = BackgroundLoop()

    /// The channel of a schema's events: replicas on one database and schema share it.
    static func channel(schema: String) -> String { "millwright_events_" + schema }

    func didBootAsync(_ application: Application) async throws {
        guard case .postgres(let url, let searchPath) = application.config.database else { return }
        let channel = Self.channel(schema: searchPath ?? "public")
        loop.start {
            while !Task.isCancelled {
                do {
                    try await Self.listen(application, url: url, channel: channel)
                } catch {
                    if Task.isCancelled { break }
                    application.logger.warning("Outbox listener lost its connection, reconnecting: \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async { await loop.stop() }

    private static func listen(_ app: Application, url: String, channel: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: app.eventLoopGroup.any(), configuration: configuration, id: 0, logger: app.logger)
        do {
            try await connection.listen(on: channel) { notifications in
                for try await notification in notifications {
                    guard let id = UUID(uuidString: notification.payload) else { continue }
                    if let row = try await Outbox.row(id, on: app.db) { app.events.publish(row.event) }
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
