import Fluent
import Foundation
import Maintenance
import SQLKit
import Testing
import Vapor

@testable import App

/// SQLite's plain reads run on the caller's thread (``SQLiteReaders``); what they read and what stays on the pool.
@Suite("SQLite reads on the caller's thread")
struct SQLiteReadersTests {
    @Test("only statements that begin as queries are sent to a reader")
    func queriesAreRecognised() {
        for sql in ["SELECT 1", "  select * from x", "(SELECT 1) UNION (SELECT 2)", "WITH a AS (SELECT 1) SELECT * FROM a", "\nWith x"] {
            #expect(SQLiteReaders.isQuery(sql), "\(sql)")
        }
        for sql in ["BEGIN", "PRAGMA synchronous = NORMAL", "INSERT INTO x VALUES (1)", "UPDATE x SET a = 1", "sel", "", "VACUUM INTO 'x'"]
        {
            #expect(!SQLiteReaders.isQuery(sql), "\(sql)")
        }
    }

    @Test("a read sees the write committed just before it, and a query that writes still writes")
    func readsSeeCommittedWritesAndWritingQueriesStayOnThePool() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            let db = app.db
            #expect(db is ReadingSQLiteDatabase)
            try await app.write { db in
                try await db.sql.raw("CREATE TABLE reader_probe (id INTEGER PRIMARY KEY, name TEXT)").run()
            }
            for index in 1...5 {
                try await app.write { db in
                    try await db.sql.raw("INSERT INTO reader_probe (id, name) VALUES (\(bind: index), \(bind: "n\(index)"))").run()
                }
                // The same cached statement, stepped again: it must not hold an old snapshot.
                let count = try await db.sql.raw("SELECT count(*) AS n FROM reader_probe").first()?.decode(column: "n", as: Int.self)
                #expect(count == index)
            }
            // Begins like a query, but writes: SQLite says so, and it runs on the pool.
            try await db.sql.raw("WITH v(id, name) AS (VALUES (9, 'nine')) INSERT INTO reader_probe SELECT * FROM v").run()
            let name = try await db.sql.raw("SELECT name FROM reader_probe WHERE id = \(bind: 9)").first()?.decode(
                column: "name", as: String.self)
            #expect(name == "nine")
        }
    }

    @Test("a Fluent model read on a reader decodes as the driver's own read does")
    func fluentReadsMatchThePool() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let direct = try await User.query(on: app.db).sort(\.$email).all()
            // Inside a transaction every read goes through Fluent's SQLite driver.
            let pooled = try await app.write { db in try await User.query(on: db).sort(\.$email).all() }
            #expect(!direct.isEmpty)
            #expect(direct.map(\.id) == pooled.map(\.id))
            #expect(direct.map(\.email) == pooled.map(\.email))
            #expect(direct.map(\.createdAt) == pooled.map(\.createdAt))
            let count = try await Organization.query(on: app.db).filter(\.$id == tenant.organizationID).count()
            #expect(count == 1)
        }
    }

    @Test("every write runs with synchronous = NORMAL and foreign keys enforced, through any event loop's database")
    func everyWriterConnectionIsNormal() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            // Fluent keeps a pool per event loop: write through each loop's, several times.
            var levels: [Int] = []
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let db = try #require(app.databases.database(logger: app.logger, on: eventLoop))
                for _ in 0..<3 {
                    let level = try await app.writeGate.run {
                        try await db.writeTransaction { db in
                            let level = try await db.sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                            let keys = try await db.sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                            return keys == 1 ? level : nil
                        }
                    }
                    levels.append(level ?? -1)
                }
            }
            #expect(levels.count >= 3)
            // 1 is NORMAL; SQLite's default, 2, is FULL.
            #expect(levels.allSatisfy { $0 == 1 }, "\(levels)")
        }
    }

    @Test("a long write-ahead log is checkpointed off the event loop")
    func theLogIsCheckpointedInTheBackground() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            let readers = try #require(app.db as? ReadingSQLiteDatabase).readers
            try await app.write { db in try await db.sql.raw("CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, body BLOB)").run() }
            #expect(readers.checkpointer.runs == 0)
            // About 1,500 pages of 4 KiB, past SQLite's threshold of 1,000.
            for batch in 0..<30 {
                try await app.write { db in
                    for row in 0..<50 {
                        try await db.sql.raw("INSERT INTO wal_probe (id, body) VALUES (\(bind: batch * 50 + row), zeroblob(4000))").run()
                    }
                }
            }
            var waited = 0
            while readers.checkpointer.runs == 0, waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(readers.checkpointer.runs >= 1)
            let rows = try await app.db.sql.raw("SELECT count(*) AS n FROM wal_probe").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 1500)
        }
    }

    struct Stop: Error {}

    @Test("a write that throws leaves nothing behind, and a broken constraint is a constraint failure")
    func failedWritesRollBack() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            try await app.write { db in try await db.sql.raw("CREATE TABLE rollback_probe (id INTEGER PRIMARY KEY)").run() }
            await #expect(throws: Stop.self) {
                try await app.write { db in
                    try await db.sql.raw("INSERT INTO rollback_probe (id) VALUES (1)").run()
                    throw Stop()
                }
            }
            try await app.write { db in try await db.sql.raw("INSERT INTO rollback_probe (id) VALUES (2)").run() }
            do {
                try await app.write { db in try await db.sql.raw("INSERT INTO rollback_probe (id) VALUES (2)").run() }
                Issue.record("a duplicate key was written")
            } catch let error as any DatabaseError {
                #expect(error.isConstraintFailure)
            }
            let rows = try await app.db.sql.raw("SELECT id FROM rollback_probe ORDER BY id").all().map {
                try $0.decode(column: "id", as: Int.self)
            }
            #expect(rows == [2])
        }
    }
}

/// A work order written by its SQL insert reads back as Fluent wrote it, on either database.
@Suite("Work-order insert")
struct WorkOrderInsertTests {
    static func sample(organizationID: UUID, siteID: UUID) -> WorkOrder {
        let workOrder = WorkOrder()
        workOrder.organizationID = organizationID
        workOrder.number = 77
        workOrder.title = "Seal \"P-7\""
        workOrder.details = "drips"
        workOrder.type = .preventive
        workOrder.priority = .high
        workOrder.priorityRank = 0
        workOrder.status = .onHold
        workOrder.source = .text
        workOrder.siteID = siteID
        workOrder.assigneeIDs = [UUID(), UUID()]
        workOrder.dueAt = Date(timeIntervalSince1970: 1_800_000_000.5)
        workOrder.estimatedMinutes = 45
        workOrder.statusReason = "parts"
        workOrder.faultCodes = ["F004"]
        workOrder.version = 1
        return workOrder
    }

    @Test("the insert writes every column of the model")
    func everyColumnIsWritten() {
        let columns = Self.sample(organizationID: UUID(), siteID: UUID()).insertValues.map(\.column)
        #expect(Set(columns) == Set(WorkOrder.keys.map(\.description)))
        #expect(columns.count == WorkOrder.keys.count)
    }

    @Test("an inserted work order reads back whole through Fluent, ranked and stamped")
    func insertedReadsBack() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let workOrder = Self.sample(organizationID: tenant.organizationID, siteID: try await app.makeSite(tenant))
            try await app.write { db in try await workOrder.insert(on: db) }
            #expect(workOrder.$id.exists)
            let read = try #require(try await WorkOrder.find(workOrder.id, on: app.db))
            // A timestamp loses its last bits on the way through a REAL column, with Fluent's create too.
            var expected = workOrder.dto
            #expect(abs((read.createdAt ?? .distantPast).timeIntervalSince(expected.createdAt ?? .distantFuture)) < 0.001)
            (expected.createdAt, expected.updatedAt) = (read.createdAt, read.updatedAt)
            #expect(read.dto == expected)
            #expect(read.priorityRank == WorkOrderPriority.high.rank)
            #expect(read.createdAt != nil && read.updatedAt == read.createdAt)
        }
    }
}
