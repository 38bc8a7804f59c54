import Fluent
import SQLKit
import Vapor

/// `millwright backup <file>`: a consistent snapshot of the SQLite database, safe while the server runs
/// (`VACUUM INTO` reads one transaction's view). PostgreSQL is backed up with `pg_dump` (docs/deployment.md).
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the snapshot (must not exist)")
        var file: String
    }

    var help = "Write a consistent snapshot of the SQLite database to a file."

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard !app.config.isPostgres else {
            throw CommandFailure("This instance runs on PostgreSQL: back it up with pg_dump (see docs/deployment.md).")
        }
        let path = URL(fileURLWithPath: signature.file).path
        guard !FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) exists; choose a new file name.") }
        try await app.db.sql.raw("VACUUM INTO \(bind: path)").run()
        let rows = try await Backup.rowCounts(on: app.db, schema: "main")
        context.console.print("Wrote \(path): \(rows.values.reduce(0, +)) rows in \(rows.count) tables.")
    }
}

/// `millwright restore <file>`: replaces every row with the rows of a snapshot made by `backup`, in one
/// transaction, so the database is either the old one or the snapshot's, never a mix. It refuses while a server
/// runs on the data folder (``DataDirectoryLock``): a server would go on from state the restore took away — its
/// sessions, its PM run, the audit heads it just read.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A snapshot written by `millwright backup`")
        var file: String
    }

    var help = "Replace the SQLite database's contents with a snapshot written by `backup`."

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard !app.config.isPostgres else {
            throw CommandFailure("This instance runs on PostgreSQL: restore it with pg_restore (see docs/deployment.md).")
        }
        let path = URL(fileURLWithPath: signature.file).path
        guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) does not exist.") }
        let claim: DataDirectoryLock
        do {
            claim = try DataDirectoryLock.claim(app.config.dataDirectory)
        } catch let taken as DataDirectoryLock.Taken {
            throw CommandFailure(
                "\(taken). Stop the server first (SIGTERM, or your service manager's stop), run restore again, then start it.")
        }
        defer { withExtendedLifetime(claim) {} }
        let restored = try await app.writeGate.run { try await Backup.restore(from: path, on: app.db) }
        context.console.print("Restored \(restored.values.reduce(0, +)) rows in \(restored.count) tables from \(path).")
    }
}

enum Backup {
    /// Tables that hold data (SQLite's own and Fluent's migration log excluded).
    static func tables(on sql: any SQLDatabase, schema: String) async throws -> [String] {
        try await sql.raw(
            "SELECT name FROM \(ident: schema).sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_fluent_migrations' ORDER BY name"
        ).all().map { try $0.decode(column: "name", as: String.self) }
    }

    static func rowCounts(on database: any Database, schema: String) async throws -> [String: Int] {
        let sql = try database.sql
        var counts: [String: Int] = [:]
        for table in try await tables(on: sql, schema: schema) {
            counts[table] =
                try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: schema).\(ident: table)").first()?.decode(
                    column: "n", as: Int.self) ?? 0
        }
        return counts
    }

    /// Copies every table of the snapshot into the live database on one connection, in one transaction.
    static func restore(from path: String, on database: any Database) async throws -> [String: Int] {
        try await database.withConnection { connection in
            let sql = try connection.sql
            // A `users create` from another terminal may hold the write lock for a moment.
            try await connection.waitForWriters()
            try await sql.raw("ATTACH DATABASE \(bind: path) AS snapshot").run()
            do {
                let result = try await copy(on: sql, connection: connection)
                try await sql.raw("DETACH DATABASE snapshot").run()
                return result
            } catch {
                try? await sql.raw("DETACH DATABASE snapshot").run()
                throw error
            }
        }
    }

    private static func copy(on sql: any SQLDatabase, connection: any Database) async throws -> [String: Int] {
        let live = try await tables(on: sql, schema: "main")
        let snapshot = Set(try await tables(on: sql, schema: "snapshot"))
        let missing = Set(live).subtracting(snapshot).subtracting(["_fluent_sessions"])
        let liveMigrations = Set(try await migrationNames(on: sql, schema: "main"))
        let snapshotMigrations = Set(try await migrationNames(on: sql, schema: "snapshot"))
        guard snapshotMigrations.isSubset(of: liveMigrations) else {
            throw CommandFailure("The snapshot comes from a newer Millwright (it has migrations this one lacks); upgrade first.")
        }
        if snapshotMigrations.isEmpty || !missing.isEmpty && snapshotMigrations == liveMigrations {
            throw CommandFailure("The file is not a Millwright snapshot.")
        }
        // Foreign keys are checked once at the end instead of row by row, so tables can be filled in any order.
        try await sql.raw("PRAGMA foreign_keys = OFF").run()
        defer { Task { try? await sql.raw("PRAGMA foreign_keys = ON").run() } }
        var counts: [String: Int] = [:]
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            for table in live {
                try await sql.raw("DELETE FROM main.\(ident: table)").run()
                guard snapshot.contains(table) else { continue }
                let liveColumns = try await columns(of: table, schema: "main", on: sql)
                let snapshotColumns = Set(try await columns(of: table, schema: "snapshot", on: sql))
                let shared = liveColumns.filter(snapshotColumns.contains)
                let list = SQLList(shared.map { SQLIdentifier($0) })
                try await sql.raw("INSERT INTO main.\(ident: table) (\(list)) SELECT \(list) FROM snapshot.\(ident: table)").run()
                counts[table] =
                    try await sql.raw("SELECT COUNT(*) AS n FROM main.\(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            let violations = try await sql.raw("PRAGMA main.foreign_key_check").all()
            guard violations.isEmpty else {
                throw CommandFailure("The snapshot's rows break \(violations.count) foreign key(s); nothing was restored.")
            }
            try await sql.raw("COMMIT").run()
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        return counts
    }

    private static func columns(of table: String, schema: String, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table), \(bind: schema))").all().map {
            try $0.decode(column: "name", as: String.self)
        }
    }

    private static func migrationNames(on sql: any SQLDatabase, schema: String) async throws -> [String] {
        let exists =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM \(ident: schema).sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        guard exists > 0 else { return [] }
        return try await sql.raw("SELECT name FROM \(ident: schema)._fluent_migrations").all().map {
            try $0.decode(column: "name", as: String.self)
        }
    }
}
