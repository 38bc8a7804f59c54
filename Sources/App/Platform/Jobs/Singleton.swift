import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Work of which one run at a time may go on across every replica: the PM generation pass today, later the
/// detectors, roll-ups and scheduled reports. On PostgreSQL a run holds a session advisory lock named after the
/// work, on a connection of its own, for as long as it runs; a replica that finds it held skips its turn. Within a
/// process (and so on SQLite, where one process serves) a second run while one is going on is skipped as well.
enum Singleton {
    private static let running = NIOLockedValueBox<Set<String>>([])

    /// Runs `body` unless another run of `name` holds it (in this process or, on PostgreSQL, any); returns whether
    /// it ran.
    @discardableResult
    static func run(_ name: String, app: Application, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        guard running.withLockedValue({ $0.insert(name).inserted }) else { return false }
        defer { _ = running.withLockedValue { $0.remove(name) } }
        guard app.db.dialectKind == .postgres else {
            try await body()
            return true
        }
        let key = lockKey(name)
        return try await app.db.withConnection { connection in
            let sql = try connection.sql
            let taken = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS taken").first()
            guard try taken?.decode(column: "taken", as: Bool.self) == true else { return false }
            do {
                try await body()
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
            return true
        }
    }

    /// The advisory lock's 64-bit key: the first eight bytes of the name's SHA-256, so every replica agrees.
    static func lockKey(_ name: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data("millwright.singleton.\(name)".utf8)))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}
