import FluentKit
import FluentSQL
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import Vapor
import VaporCSQLite

/// SQLite's plain reads and its write transactions, run on the calling thread.
///
/// SQLite-NIO runs every statement on a thread pool and hands each row back to the event loop as its own task: a
/// 50-row list was two thread hops and fifty more tasks, and a work order's create a dozen statements of two hops
/// each, on a machine with two cores. Here a statement runs where it is called, on a connection of its own with
/// cached prepared statements. That blocks the caller for as long as the statement runs, which for the indexed
/// reads and short writes of a request is microseconds.
///
/// - **Reads**: a plain query (`SELECT` or `WITH` that SQLite confirms writes nothing) outside a transaction takes
///   an idle reader connection and gives it back. In WAL mode it sees every transaction committed before it began,
///   so a request reads its own writes.
/// - **Writes**: ``writeTransaction(context:_:)`` runs one transaction on the one writer connection; the write gate
///   already lets one writer in at a time. It begins `IMMEDIATE`, as the pool's transactions do (see
///   ``Database/writeTransaction(_:)``). If another process holds the write lock, `BEGIN` waits for it on this
///   thread, up to ``sqliteBusyTimeout``; the server lets a waiting visitor go first (``WriterTurns``), so this is
///   a visitor's one short write at most.
///
/// Everything else (migrations, schema changes, a write outside `write`) stays on Fluent's pool.
final class SQLiteReaders: Sendable {
    let path: String
    private let idle = NIOLockedValueBox<[DirectSQLiteConnection]>([])
    private let closed = NIOLockedValueBox(false)
    /// The writer connection while no transaction holds it (opened on first use).
    private let writer = NIOLockedValueBox<Writer>(.none)

    private enum Writer {
        case none
        case idle(DirectSQLiteConnection)
        case busy
    }

    /// Copies the write-ahead log back into the database off the event loops (see ``Checkpointer``).
    let checkpointer: Checkpointer

    init(path: String) {
        self.path = path
        checkpointer = Checkpointer(path: path)
    }

    /// Runs `body` on an idle reader, opening one if none is free.
    func withReader<T>(_ body: (DirectSQLiteConnection) throws -> T) throws -> T {
        let reader = try idle.withLockedValue { $0.popLast() } ?? DirectSQLiteConnection(path: path, writer: false)
        defer {
            let keep = !closed.withLockedValue { $0 }
            if keep { idle.withLockedValue { $0.append(reader) } }
        }
        return try body(reader)
    }

    /// Runs `body` in one transaction on the writer connection: committed if it returns, rolled back if it throws.
    /// The caller holds the write gate.
    func writeTransaction<T: Sendable>(
        context: DatabaseContext, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let connection = try takeWriter()
        defer { giveBack(writer: connection) }
        try connection.run("BEGIN IMMEDIATE")
        do {
            let result = try await body(DirectSQLiteTransaction(context: context, connection: connection))
            try connection.run("COMMIT")
            return result
        } catch {
            // Ends the transaction whatever failed; a failed COMMIT has already ended it.
            try? connection.run("ROLLBACK")
            throw error
        }
    }

    private func takeWriter() throws -> DirectSQLiteConnection {
        let taken: DirectSQLiteConnection? = try writer.withLockedValue { state in
            switch state {
            case .idle(let connection):
                state = .busy
                return connection
            case .none:
                state = .busy
                return nil
            case .busy:
                throw Abort(.internalServerError, reason: "Two SQLite write transactions ran at once past the write gate.")
            }
        }
        if let taken { return taken }
        do {
            return try DirectSQLiteConnection(path: path, writer: true, checkpointer: checkpointer)
        } catch {
            writer.withLockedValue { $0 = .none }
            throw error
        }
    }

    private func giveBack(writer connection: DirectSQLiteConnection) {
        let keep = !closed.withLockedValue { $0 }
        writer.withLockedValue { $0 = keep ? .idle(connection) : .none }
    }

    /// Closes the idle connections; one in use closes when it is done.
    func close() {
        checkpointer.close()
        closed.withLockedValue { $0 = true }
        idle.withLockedValue { $0.removeAll() }
        writer.withLockedValue { state in
            if case .idle = state { state = .none }
        }
    }

    /// Whether `sql` may run on a reader: it starts as a query (not `BEGIN`, a `PRAGMA` or a write).
    static func isQuery(_ sql: String) -> Bool {
        let text = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D || $0 == UInt8(ascii: "(") }
        func starts(with word: String) -> Bool {
            text.count >= word.utf8.count && zip(text, word.utf8).allSatisfy { $0 | 0x20 == $1 }
        }
        return starts(with: "select") || starts(with: "with")
    }
}

/// One SQLite connection of ``SQLiteReaders``, with its prepared statements. One thread at a time uses it: it is
/// taken from the idle list (or the writer slot) and given back when done.
final class DirectSQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]

    /// A prepared statement and its column names, kept for the life of the connection.
    final class Statement {
        let handle: OpaquePointer
        let columns: SQLiteColumnNames
        let readOnly: Bool

        init(handle: OpaquePointer) {
            self.handle = handle
            let count = sqlite_nio_sqlite3_column_count(handle)
            columns = SQLiteColumnNames((0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(handle, $0)) })
            readOnly = sqlite_nio_sqlite3_stmt_readonly(handle) != 0
        }

        deinit { sqlite_nio_sqlite3_finalize(handle) }
    }

    /// Opens `path`; a `writer` enforces foreign keys (as Fluent's connections do) and commits without waiting
    /// for a disk flush (`synchronous = NORMAL`: in WAL mode a power cut may lose the last commits, never corrupt
    /// the file).
    init(path: String, writer: Bool, checkpointer: Checkpointer? = nil) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, handle != nil else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteReadError(status: status, message: "Cannot open \(path): \(message)")
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        // A reader waits only while another connection recovers the log; the writer for another process's write.
        sqlite_nio_sqlite3_busy_timeout(handle, Int32(sqliteBusyTimeout.components.seconds * 1000))
        if writer {
            try run("PRAGMA foreign_keys = ON")
            try run("PRAGMA synchronous = NORMAL")
        }
        if let checkpointer {
            // SQLite checkpoints in the committing connection once the log passes 1,000 pages, flushing the file to
            // disk: on an event loop that stalled every request on it (a create's p99 was 300 ms). The hook hands
            // that to the checkpointer instead (setting it turns the automatic checkpoint off).
            sqlite_nio_sqlite3_wal_hook(
                handle,
                { context, _, _, pages in
                    if pages >= Checkpointer.pages, let context {
                        Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().request()
                    }
                    return SQLITE_OK
                }, Unmanaged.passUnretained(checkpointer).toOpaque())
        }
    }

    deinit {
        statements.removeAll()
        sqlite_nio_sqlite3_close(handle)
    }

    /// Runs `sql` with `binds`, handing each row to `onRow`; nil (nothing run) if it writes and `writes` is false.
    func query(_ sql: String, _ binds: [SQLiteData], writes: Bool = false, _ onRow: (FastSQLiteRow) throws -> Void) throws
        -> Void?
    {
        let statement = try prepare(sql)
        guard writes || statement.readOnly else { return nil }
        let stmt = statement.handle
        // Reset at once when done: a statement left stepping holds its snapshot, and later reads would not see
        // newer commits.
        // Bindings are not cleared: every run binds every parameter again (clearing them marked a statement whose
        // plan looked at a bound value as expired, and SQLite prepared it again on the next run).
        defer { sqlite_nio_sqlite3_reset(stmt) }
        guard binds.count == Int(sqlite_nio_sqlite3_bind_parameter_count(stmt)) else {
            throw SQLiteReadError(
                status: SQLITE_RANGE, message: "\(binds.count) values for \(sqlite_nio_sqlite3_bind_parameter_count(stmt)) parameters")
        }
        for (index, value) in binds.enumerated() {
            try check(bind(value, at: Int32(index + 1), in: stmt))
        }
        let count = Int32(statement.columns.names.count)
        while true {
            let status = sqlite_nio_sqlite3_step(stmt)
            if status == SQLITE_DONE { return () }
            guard status == SQLITE_ROW else { throw error(status) }
            var values: [SQLiteData] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count { values.append(value(at: column, in: stmt)) }
            try onRow(FastSQLiteRow(columns: statement.columns, values: values))
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String) throws {
        _ = try query(sql, [], writes: true) { _ in }
    }

    private func prepare(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        var stmt: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard status == SQLITE_OK, let stmt else { throw error(status) }
        let statement = Statement(handle: stmt)
        // Queries are built from a bounded set of shapes; an unbounded one (a list of ids inlined) starts over.
        if statements.count >= 256 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, in stmt: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let value): sqlite_nio_sqlite3_bind_int64(stmt, index, Int64(value))
        case .float(let value): sqlite_nio_sqlite3_bind_double(stmt, index, value)
        case .text(let value):
            sqlite_nio_sqlite3_bind_text64(stmt, index, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let value):
            value.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(stmt, index, $0.baseAddress, UInt64($0.count), transient)
            }
        case .null: sqlite_nio_sqlite3_bind_null(stmt, index)
        }
    }

    /// The column's value as SQLite-NIO reads it.
    private func value(at column: Int32, in stmt: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(stmt, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(stmt, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(stmt, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(stmt, column) else { return .null }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(stmt, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(stmt, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func error(_ status: Int32) -> SQLiteReadError {
        SQLiteReadError(status: status, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }

    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// Runs SQLite's checkpoints — copying the write-ahead log into the database file and flushing it — on a thread
/// of its own connection, outside any request, when the writer's log has grown past ``pages`` (SQLite's own
/// threshold). A `PASSIVE` checkpoint waits for no reader or writer; what it cannot copy yet, the next one does.
final class Checkpointer: @unchecked Sendable {
    static let pages: Int32 = 1000

    private let path: String
    private let pending = NIOLockedValueBox(false)
    /// The checkpointing connection (opened on first use), and whether the database has closed.
    private let state = NIOLockedValueBox<(connection: DirectSQLiteConnection?, closed: Bool)>((nil, false))

    init(path: String) {
        self.path = path
    }

    /// Schedules one checkpoint unless one is already waiting.
    func request() {
        let schedule = pending.withLockedValue { waiting in
            defer { waiting = true }
            return !waiting
        }
        guard schedule else { return }
        NIOThreadPool.singleton.submit { [self] _ in
            pending.withLockedValue { $0 = false }
            run()
        }
    }

    /// How many checkpoints have run.
    var runs: Int { completed.withLockedValue { $0 } }
    private let completed = NIOLockedValueBox(0)

    /// Checkpoints now, on the calling thread.
    func run() {
        state.withLockedValue { state in
            guard !state.closed else { return }
            do {
                let connection = try state.connection ?? DirectSQLiteConnection(path: path, writer: false)
                state.connection = connection
                try connection.run("PRAGMA wal_checkpoint(PASSIVE)")
                completed.withLockedValue { $0 += 1 }
            } catch {
                // A checkpoint that fails (the file went away at shutdown) leaves the log for the next one.
                state.connection = nil
            }
        }
    }

    func close() {
        state.withLockedValue { $0 = (nil, true) }
    }
}

/// A statement that SQLite refused on a ``DirectSQLiteConnection``, with SQLite's (extended) result code and
/// message. It answers Fluent's questions about errors as the driver's `SQLiteError` does.
struct SQLiteReadError: Error, CustomStringConvertible, DatabaseError {
    let status: Int32
    let message: String

    var description: String { "SQLite error \(status): \(message)" }

    private var primary: Int32 { status & 0xFF }

    /// Whether it waited in vain for a lock another connection held (answered 503).
    var isContention: Bool { primary == SQLITE_BUSY || primary == SQLITE_LOCKED }
    var isSyntaxError: Bool { primary == SQLITE_ERROR || primary == SQLITE_SCHEMA }
    var isConnectionClosed: Bool { primary == SQLITE_MISUSE || primary == SQLITE_CANTOPEN }
    var isConstraintFailure: Bool { primary == SQLITE_CONSTRAINT }
}

/// The column names of a statement's rows, looked up by name once per statement.
final class SQLiteColumnNames: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        // The first of two same-named columns wins, as in SQLite-NIO.
        positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func position(of name: String) -> Int? { positions[name] }
}

/// The Fluent database on SQLite, with its plain reads run on ``SQLiteReaders``.
///
/// Everything else — writes, schema changes, transactions and what runs inside them — goes to Fluent's SQLite
/// driver unchanged. Fluent's reads come here too: a model query is turned into SQL exactly as the driver does
/// (`SQLQueryConverter`, with the driver's SQLite types) and its rows decode the same (``FastSQLiteRow``).
struct ReadingSQLiteDatabase: Database, SQLDatabase {
    let base: any Database
    let readers: SQLiteReaders

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    private var sql: any SQLDatabase { base as! any SQLDatabase }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLDialect { FastSQLiteDialect.shared }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    // Fluent

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        switch query.action {
        case .read, .aggregate:
            let converted = SQLQueryConverter(delegate: SQLiteTypes()).convert(query)
            return execute(sql: converted) { onOutput(SQLRowOutput(row: $0, schema: nil)) }
        default:
            return base.execute(query: query, onOutput: onOutput)
        }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { base.execute(schema: schema) }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { base.execute(enum: `enum`) }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.transaction(closure)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection(closure)
    }

    // SQLKit

    /// Runs a plain read on a reader and hands back the rows, or nil if `query` is not one.
    private func read(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) throws -> Void? {
        let (text, binds) = serialize(query)
        guard SQLiteReaders.isQuery(text) else { return nil }
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(text), "binds": .array(binds.map { .string("\($0)") })])
        }
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        return try readers.withReader { try $0.query(text, values, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            if try read(query, onRow) != nil { return eventLoop.makeSucceededVoidFuture() }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return FastSQLiteDatabase(base: sql, sqlite: base as! any SQLiteDatabase).execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        if try read(query, onRow) != nil { return }
        try await FastSQLiteDatabase(base: sql, sqlite: base as! any SQLiteDatabase).execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await FastSQLiteDatabase(base: sql, sqlite: base as! any SQLiteDatabase).withSession(closure)
    }
}

/// One write transaction on the writer connection of ``SQLiteReaders``, as a Fluent and SQLKit database: what
/// runs in `write` on SQLite. Model queries become SQL as Fluent's SQLite driver makes them (a create returns its
/// id); a nested transaction is this one.
struct DirectSQLiteTransaction: Database, SQLDatabase {
    let context: DatabaseContext
    let connection: DirectSQLiteConnection

    var inTransaction: Bool { true }
    var logger: Logger { context.logger }
    var eventLoop: any EventLoop { context.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { FastSQLiteDialect.shared }
    var queryLogLevel: Logger.Level? { .debug }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        var converted = SQLQueryConverter(delegate: SQLiteTypes()).convert(query)
        // A create answers the ids it made, unless the model has none of its own (an empty custom id key).
        if case .create = query.action, query.customIDKey != .some(.string("")) {
            converted = SQLList([converted, SQLReturning(.init((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
        }
        return execute(sql: converted) { onOutput(SQLRowOutput(row: $0, schema: nil)) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(Abort(.internalServerError, reason: "Schema changes run in migrations, not in a write."))
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) throws {
        let (text, binds) = serialize(query)
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(text), "binds": .array(binds.map { .string("\($0)") })])
        }
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        _ = try connection.query(text, values, writes: true, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

/// Fluent's SQLite driver's column types for schema changes (the same four as its own delegate).
struct SQLiteTypes: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .string, .enum: SQLRaw("TEXT")
        case .datetime: SQLRaw("REAL")
        case .int64: SQLRaw("INTEGER")
        default: nil
        }
    }
}

/// A SQL row as Fluent's model output: a field `key` is the column `key`, or `<schema>_<key>` once a joined
/// model's schema is set — as Fluent's SQLite driver reads it.
private struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow
    let schema: String?

    var description: String { String(describing: row) }

    private func column(_ key: FieldKey) -> String {
        (schema.map { .prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput { SQLRowOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }
}

/// Fluent's SQLite configuration, whose databases read through ``SQLiteReaders``.
struct ReadingSQLiteConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let readers: SQLiteReaders

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(base: base.makeDriver(for: databases), readers: readers)
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let readers: SQLiteReaders

        func makeDatabase(with context: DatabaseContext) -> any Database {
            ReadingSQLiteDatabase(base: base.makeDatabase(with: context), readers: readers)
        }

        func shutdown() {
            readers.close()
            base.shutdown()
        }

        func shutdownAsync() async {
            readers.close()
            await base.shutdownAsync()
        }
    }
}
