import Fluent
import SQLKit
import Vapor

/// Serialises write transactions where the database cannot do it for us.
///
/// SQLite allows one writer at a time, and a transaction that read before another writer committed fails with
/// `SQLITE_BUSY_SNAPSHOT`, which no busy timeout can fix. One process owns a SQLite database, so queuing its write
/// transactions here removes those failures. PostgreSQL serialises with row locks (``lockForUpdate(_:id:on:)``)
/// and runs writers in parallel, so the gate is open there.
final class WriteGate: Sendable {
    private let mutex: AsyncMutex?

    init(serialising: Bool) {
        mutex = serialising ? AsyncMutex() : nil
    }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard let mutex else { return try await body() }
        await mutex.lock()
        do {
            let result = try await body()
            await mutex.unlock()
            return result
        } catch {
            await mutex.unlock()
            throw error
        }
    }
}

/// A first-come, first-served lock for async code.
actor AsyncMutex {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    var writeGate: WriteGate {
        get { storage[WriteGateKey.self] ?? WriteGate(serialising: false) }
        set { storage[WriteGateKey.self] = newValue }
    }

    /// Runs `body` in one transaction, serialised on SQLite. Every change of state goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await writeGate.run { try await self.db.transaction(body) }
    }
}

extension Request {
    /// Runs `body` in one transaction, serialised on SQLite. Every change of state goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.writeGate.run { try await self.db.transaction(body) }
    }
}

/// The two SQL dialects Millwright runs on. Code that must differ between them branches here and nowhere else.
enum SQLDialectKind: Sendable {
    case sqlite, postgres

    init(_ database: any Database) {
        let name = (database as? any SQLDatabase)?.dialect.name ?? "sqlite"
        self = name.contains("postgres") ? .postgres : .sqlite
    }
}

extension Database {
    var dialectKind: SQLDialectKind { SQLDialectKind(self) }

    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw Abort(.internalServerError, reason: "The database does not speak SQL.") }
            return sql
        }
    }

    /// Locks one row until the transaction ends (PostgreSQL `SELECT … FOR NO KEY UPDATE`). On SQLite the write
    /// gate already holds every other writer off, so there is nothing to do.
    ///
    /// `NO KEY UPDATE`, not `UPDATE`: inserting a row that references the locked one (an audit event or a
    /// membership referencing its organization) takes a `KEY SHARE` lock on it, which `FOR UPDATE` would block —
    /// and a writer holding the organization while waiting for the audit chain would deadlock against one holding
    /// the chain while inserting such a row.
    /// Returns whether it locked: a row read before the lock must then be read again.
    @discardableResult
    func lockForUpdate(_ schema: String, idColumn: String = "id", id: UUID) async throws -> Bool {
        guard dialectKind == .postgres else { return false }
        try await sql.raw("SELECT 1 FROM \(ident: schema) WHERE \(ident: idColumn) = \(bind: id) FOR NO KEY UPDATE").run()
        return true
    }
}
