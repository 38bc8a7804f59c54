import Fluent
import Foundation
import Maintenance
import SQLKit

/// Counts of work orders for the home pages, counted by the database rather than by loading the rows: a plant
/// with ten thousand open orders is answered with one row per priority and one per series.
enum WorkOrderCounts {
    /// Open work orders by priority, within the principal's sites.
    static func backlog(principal: Principal, statuses: [WorkOrderStatus], on db: any Database) async throws -> [WorkOrderPriority: Int] {
        let sql = try db.sql
        let query = sql.select().column("priority").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(WorkOrder.schema)
        principal.scoped(query, table: WorkOrder.schema)
        query.where(PlainColumn("status", table: WorkOrder.schema), .in, SQLBind.group(statuses.map(\.rawValue))).groupBy("priority")
        var counts: [WorkOrderPriority: Int] = [:]
        for row in try await query.all() {
            if let priority = WorkOrderPriority(rawValue: try row.decode(column: "priority", as: String.self)) {
                counts[priority] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// How many work orders have `column` (`created_at`, `completed_at`) in each of `weeks` weeks from `start`:
    /// one row, one sum per week.
    static func perWeek(_ column: String, from start: Date, weeks: Int, principal: Principal, on db: any Database) async throws -> [Int] {
        let query = try db.sql.select().from(WorkOrder.schema)
        for week in 0..<weeks {
            let from = start.addingTimeInterval(Double(week) * 7 * 86_400)
            let to = from.addingTimeInterval(7 * 86_400)
            query.column(
                SQLQueryString("SUM(CASE WHEN \(ident: column) >= \(bind: from) AND \(ident: column) < \(bind: to) THEN 1 ELSE 0 END)"),
                as: "w\(week)")
        }
        principal.scoped(query, table: WorkOrder.schema)
        query.where(SQLIdentifier(column), .greaterThanOrEqual, SQLBind(start))
        guard let row = try await query.first() else { return Array(repeating: 0, count: weeks) }
        return try (0..<weeks).map { try row.decodeNil(column: "w\($0)") ? 0 : row.decode(column: "w\($0)", as: Int.self) }
    }
}
