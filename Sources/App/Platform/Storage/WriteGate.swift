import Fluent
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Serialises write transactions where the database cannot do it for us.
///
/// SQLite allows one writer at a time, and a transaction that read before another writer committed fails with
/// `SQLITE_BUSY_SNAPSHOT`, which no busy timeout can fix. Inside this process, write transactions queue here;
/// against other processes (a `millwright users create` beside the server), each one takes SQLite's write lock
/// before it reads (`BEGIN IMMEDIATE`), waiting up to ``sqliteBusyTimeout`` for it, and the server gives way to
/// the others (``WriterTurns``). PostgreSQL serialises with row locks (``lockForUpdate(_:id:on:)``) and runs
/// writers in parallel, so the gate is open there.
final class WriteGate: Sendable {
    private let mutex: AsyncMutex?
    private let turns: WriterTurns?

    init(serialising: Bool, turns: WriterTurns? = nil) {
        mutex = serialising ? AsyncMutex() : nil
        self.turns = serialising ? turns : nil
    }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard let mutex else { return try await body() }
        await mutex.lock()
        await turns?.begin()
        do {
            let result = try await body()
            turns?.end()
            await mutex.unlock()
            return result
        } catch {
            turns?.end()
            await mutex.unlock()
            throw error
        }
    }
}

/// Takes turns at a SQLite file between the server and other processes writing to it.
///
/// SQLite's lock is not fair: a waiting process polls for it, and a busy server that begins its next write the
/// moment the last one commits takes it again every time, so a command beside it would wait in vain. So a
/// **visitor** (any process but the server) holds a shared `flock` on `writers.lock` while it waits for and
/// holds the write lock, and the **server** checks, before each write, that no visitor holds it — and if one
/// does, lets it go first (waiting at most ``sqliteBusyTimeout``). The check costs one system call.
final class WriterTurns: Sendable {
    enum Role: Sendable { case server, visitor }

    static let fileName = "writers.lock"

    let role: Role
    private let descriptor: Int32

    init?(directory: String, role: Role) {
        let descriptor = open((directory as NSString).appendingPathComponent(Self.fileName), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.role = role
    }

    deinit { close(descriptor) }

    func begin() async {
        let poll = Duration.milliseconds(role == .server ? 2 : 1)
        let deadline = ContinuousClock.now + sqliteBusyTimeout
        switch role {
        case .server:
            // Free (the usual case): no visitor waits; give it back at once. Taken: a visitor goes first.
            while flock(descriptor, LOCK_EX | LOCK_NB) != 0, ContinuousClock.now < deadline { try? await Task.sleep(for: poll) }
            flock(descriptor, LOCK_UN)
        case .visitor:
            // Refused only for the instant the server checks.
            while flock(descriptor, LOCK_SH | LOCK_NB) != 0, ContinuousClock.now < deadline { try? await Task.sleep(for: poll) }
        }
    }

    func end() {
        if role == .visitor { flock(descriptor, LOCK_UN) }
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

    /// Runs `body` in one transaction, serialised on SQLite. Every change of state goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await writeGate.run { try await self.db.writeTransaction(body) }
    }
}

extension Request {
    /// Runs `body` in one transaction, serialised on SQLite. Every change of state goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.writeGate.run { try await self.db.writeTransaction(body) }
    }
}

/// How long a SQLite writer waits for another process's write to finish before giving up (answered 503).
let sqliteBusyTimeout: Duration = .seconds(10)

extension Database {
    /// A transaction that holds the write lock from its start, so that nothing it reads can go stale before it
    /// writes. On SQLite it runs on the writer connection, on the caller's thread (``SQLiteReaders``).
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        if let reading = self as? ReadingSQLiteDatabase {
            return try await reading.readers.writeTransaction(context: context, body)
        }
        return try await transaction { db in
            try await db.beginWriting()
            return try await body(db)
        }
    }

    /// On SQLite, turns the transaction just begun into `BEGIN IMMEDIATE`: Fluent begins deferred transactions,
    /// which take the write lock only at their first write — too late if another process wrote after their first
    /// read (`SQLITE_BUSY_SNAPSHOT`, which waiting cannot cure). A deferred transaction that has run no statement
    /// holds nothing, so ending it and beginning an immediate one in its place is safe; Fluent's own `COMMIT` or
    /// `ROLLBACK` then ends the immediate one. The busy timeout replaces SQLite-NIO's handler, which retries
    /// without pause or end.
    private func beginWriting() async throws {
        guard dialectKind == .sqlite else { return }
        try await waitForWriters()
        try await sql.raw("COMMIT").run()
        try await sql.raw("BEGIN IMMEDIATE").run()
    }

    /// Makes this SQLite connection wait up to ``sqliteBusyTimeout`` for another process's lock, then fail with
    /// `SQLITE_BUSY` (answered 503, see ``SQLiteError/isContention``).
    func waitForWriters() async throws {
        let milliseconds = sqliteBusyTimeout.components.seconds * 1000
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
    }
}

extension SQLiteError {
    /// Whether another connection held a lock this one waited for in vain: contention, not a fault.
    var isContention: Bool {
        switch reason {
        case .busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked, .lockedBySharedCache: true
        default: false
        }
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
            if let reading = self as? ReadingSQLiteDatabase { return reading }
            guard let sql = self as? any SQLDatabase else { throw Abort(.internalServerError, reason: "The database does not speak SQL.") }
            if let sqlite = self as? any SQLiteDatabase { return FastSQLiteDatabase(base: sql, sqlite: sqlite) }
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
