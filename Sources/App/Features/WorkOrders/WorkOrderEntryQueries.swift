import Fluent
import Foundation
import SQLKit
import Vapor

/// Reading what is recorded on a work order — labor, costs, comments, downtime, tasks, parts used, reservations,
/// attachments — for the API's `/work-orders/{id}/…` lists, decoded straight from the rows.
extension WorkOrders {
    /// One page of the work order's rows of `Row`'s table, sorted by one of `sorts`. The caller has read the work
    /// order (``readable(_:principal:on:)``): its site is the principal's.
    static func entries<Row: RowDecodable>(
        _ type: Row.Type, of workOrderID: UUID, sorts: [SortColumn], _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [Row], nextCursor: String?) {
        try await principal.select(Row.self, on: db).where(Row.table, "work_order_id", is: workOrderID)
            .page(parameters, sorts: sorts, as: Row.self)
    }

    /// `GET /work-orders/{id}/<entries>` (the API's entry lists): one page of the work order's rows of `Row`, or all of them as CSV.
    static func listEntries<Row: RowDecodable & Content>(
        _ request: Request, _ type: Row.Type, sorts: [SortColumn], defaultSort: String, filename: String
    ) async throws -> Response {
        let principal = try request.principal
        let workOrderID = try await WorkOrders.readable(request).requireID()
        return try await Listing.respond(request, sorts: sorts, defaultSort: defaultSort, filename: filename) {
            try await entries(Row.self, of: workOrderID, sorts: sorts, $0, principal: principal, on: request.db)
        }
    }
}

extension LaborEntry {
    static let sorts = [SortColumn("performedAt", "performed_at", .date(missing: .distantPast))]
}

extension LaborEntry.DTO: RowDecodable {
    static let table = LaborEntry.schema
    static let columns = ["id", "work_order_id", "user_id", "minutes", "hourly_rate", "cost", "note", "performed_at", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), workOrderId: try row.uuid("work_order_id"), userId: try row.uuid("user_id"),
            minutes: try row.int("minutes"), hourlyRate: try row.double("hourly_rate"), cost: try row.double("cost"),
            note: try row.optionalString("note"), performedAt: try row.date("performed_at"), createdAt: try row.optionalDate("created_at"))
    }
}

extension WorkOrderCost {
    static let sorts: [SortColumn] = [.createdAt]
}

extension WorkOrderCost.DTO: RowDecodable {
    static let table = WorkOrderCost.schema
    static let columns = ["id", "work_order_id", "description", "amount", "created_by_user_id", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), workOrderId: try row.uuid("work_order_id"), description: try row.string("description"),
            amount: try row.double("amount"), createdByUserId: try row.optionalUUID("created_by_user_id"),
            createdAt: try row.optionalDate("created_at"))
    }
}

extension Comment {
    static let sorts: [SortColumn] = [.createdAt]
}

extension Comment.DTO: RowDecodable {
    static let table = Comment.schema
    static let columns = ["id", "work_order_id", "author_user_id", "body", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), workOrderId: try row.uuid("work_order_id"), authorUserId: try row.optionalUUID("author_user_id"),
            body: try row.string("body"), createdAt: try row.optionalDate("created_at"))
    }
}

extension Downtime {
    static let sorts = [SortColumn("startedAt", "started_at", .date(missing: .distantPast))]
}

extension Downtime.DTO: RowDecodable {
    static let table = Downtime.schema
    static let columns = ["id", "work_order_id", "asset_id", "started_at", "ended_at", "reason", "created_at"]

    init(row: RowReader) throws {
        let startedAt = try row.date("started_at")
        let endedAt = try row.optionalDate("ended_at")
        self.init(
            id: try row.uuid("id"), workOrderId: try row.uuid("work_order_id"), assetId: try row.uuid("asset_id"), startedAt: startedAt,
            endedAt: endedAt, minutes: Downtime.minutes(from: startedAt, to: endedAt), reason: try row.optionalString("reason"),
            createdAt: try row.optionalDate("created_at"))
    }
}

extension WorkOrderTask {
    static let sorts = [SortColumn("position", "position", .int)]
}

extension WorkOrderTask.DTO: RowDecodable {
    static let table = WorkOrderTask.schema
    static let columns = [
        "id", "work_order_id", "position", "spec", "result", "value", "text", "choice", "completed_by_user_id", "completed_at",
        "meter_reading_id", "follow_up_work_order_id",
    ]

    init(row: RowReader) throws {
        let spec = WorkOrderTask.spec(json: try row.string("spec"))
        self.init(
            id: try row.uuid("id"), workOrderId: try row.uuid("work_order_id"), position: try row.int("position"), kind: spec.kind,
            label: spec.label, required: spec.required, minimum: spec.minimum, maximum: spec.maximum, unit: spec.unit,
            choices: spec.choices, meterId: spec.meterId, result: try row.enum("result"), value: try row.optionalDouble("value"),
            text: try row.optionalString("text"), choice: try row.optionalString("choice"),
            completedByUserId: try row.optionalUUID("completed_by_user_id"), completedAt: try row.optionalDate("completed_at"),
            meterReadingId: try row.optionalUUID("meter_reading_id"), followUpWorkOrderId: try row.optionalUUID("follow_up_work_order_id"))
    }
}

extension Reservation {
    static let sorts: [SortColumn] = [.createdAt]
}

extension Reservation.DTO: RowDecodable {
    static let table = Reservation.schema
    static let columns = ["id", "stock_level_id", "work_order_id", "quantity", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), stockLevelId: try row.uuid("stock_level_id"), workOrderId: try row.uuid("work_order_id"),
            quantity: try row.double("quantity"), createdAt: try row.optionalDate("created_at"))
    }
}
