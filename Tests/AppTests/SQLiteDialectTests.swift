import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Testing

@testable import App

/// ``FastSQLiteDialect`` writes exactly the SQL SQLiteKit's dialect writes, quotes in names included.
@Suite("SQLite dialect")
struct SQLiteDialectTests {
    /// A database that only serialises, in `dialect`.
    struct Serialising: SQLDatabase {
        let dialect: any SQLDialect
        var logger: Logger { Logger(label: "test") }
        var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
        var version: (any SQLDatabaseReportedVersion)? { nil }
        var queryLogLevel: Logger.Level? { nil }
        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
            eventLoop.makeSucceededVoidFuture()
        }
    }

    static let names = ["id", "work_orders", "na\"me", "\"", "\"\"", "a\"b\"c", "日本\"語", "", "x y", "trailing\""]

    @Test("every name is quoted and escaped as SQLiteKit does", arguments: names)
    func namesAreQuotedAlike(name: String) {
        let expression = SQLList([
            SQLColumn(SQLIdentifier(name), table: SQLIdentifier("t\(name)")), SQLAlias(SQLIdentifier(name), as: SQLIdentifier(name + "_2")),
            SQLBinaryExpression(SQLColumn(name), .equal, SQLBind(name)), SQLLiteral.string(name),
        ])
        let fast = Serialising(dialect: FastSQLiteDialect.shared).serialize(expression)
        let kit = Serialising(dialect: SQLiteDialect()).serialize(expression)
        #expect(fast.sql == kit.sql)
        #expect(fast.binds.count == kit.binds.count)
    }

    @Test("a whole select reads the same, on several threads at once")
    func selectsAreAlikeOnEveryThread() async throws {
        func select(_ db: any SQLDatabase) -> String {
            var query = SQLSelect()
            query.columns = Self.names.map { SQLAlias(SQLColumn($0, table: "work_orders"), as: SQLIdentifier("work_orders_\($0)")) }
            query.tables = [SQLIdentifier("work_orders")]
            query.predicate = SQLBinaryExpression(SQLColumn("organization_id", table: "work_orders"), .equal, SQLBind(UUID()))
            return db.serialize(query).sql
        }
        let expected = select(Serialising(dialect: SQLiteDialect()))
        #expect(expected.contains("\"work_orders_na\"\"me\""))
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { select(Serialising(dialect: FastSQLiteDialect.shared)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
