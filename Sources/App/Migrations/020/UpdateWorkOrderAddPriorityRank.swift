import Fluent
import SQLKit

/// Work orders sort by priority: the priority's rank (none 0 … critical 4) in a column of its own, kept by
/// ``WorkOrderPriorityRank`` on every save, so the list can sort and page on it with an index.
struct UpdateWorkOrderAddPriorityRank: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WorkOrder.schema).field("priority_rank", .int, .required, .sql(.default(0))).update()
        try await database.sql.raw(
            """
            UPDATE work_orders SET priority_rank = CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
            WHEN 'critical' THEN 4 ELSE 0 END
            """
        ).run()
        try await database.sql.raw("CREATE INDEX work_orders_priority_rank ON work_orders (organization_id, priority_rank)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS work_orders_priority_rank").run()
        try await database.schema(WorkOrder.schema).deleteField("priority_rank").update()
    }
}

/// Keeps a work order's `priority_rank` equal to its priority's rank, whoever saves it.
struct WorkOrderPriorityRank: AsyncModelMiddleware {
    func create(model: WorkOrder, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.priorityRank = model.priority.rank
        try await next.create(model, on: db)
    }

    func update(model: WorkOrder, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.priorityRank = model.priority.rank
        try await next.update(model, on: db)
    }
}
