import Fluent
import Foundation
import Maintenance
import SQLKit
import Vapor

/// Which work orders a list shows: the list's query parameters (the API's and the page's), read and checked once.
/// `status` (comma-separated), `priority`, `type`, `source`, `siteId`, `assetId`, `teamId`, `pmScheduleId`,
/// `dueBefore`, `overdue=true`, `q` (title), `assigneeId` (a UUID or `me`).
struct WorkOrderFilter: Sendable {
    var statuses: [WorkOrderStatus]?
    var priority: WorkOrderPriority?
    var type: WorkOrderType?
    var source: WorkOrder.Source?
    var siteID: UUID?
    var assetID: UUID?
    var teamID: UUID?
    var pmScheduleID: UUID?
    var dueBefore: Date?
    var overdue = false
    var text: String?
    var assigneeID: UUID?
    /// Completed at or after this (the board's recent column; no query parameter sets it).
    var completedSince: Date?

    init() {}

    /// The filter a request's query string asks for; a malformed parameter is a 400 naming it.
    init(_ request: Request, principal: Principal) throws {
        if let raw = request.queryParameter("status") {
            statuses = try raw.split(separator: ",").map { name in
                guard let status = WorkOrderStatus(rawValue: String(name)) else {
                    throw AppError.badRequest(
                        "A query parameter is not valid.",
                        [
                            FieldProblem(
                                field: "status",
                                message:
                                    "must be a comma-separated list of \(WorkOrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                        ])
                }
                return status
            }
        }
        priority = try request.queryEnum("priority", WorkOrderPriority.self)
        type = try request.queryEnum("type", WorkOrderType.self)
        source = try request.queryEnum("source", WorkOrder.Source.self)
        siteID = try request.queryUUID("siteId")
        assetID = try request.queryUUID("assetId")
        teamID = try request.queryUUID("teamId")
        pmScheduleID = try request.queryUUID("pmScheduleId")
        dueBefore = try request.queryDate("dueBefore")
        overdue = request.queryParameter("overdue") == "true"
        if let text = request.queryParameter("q"), !text.isEmpty { self.text = text }
        if let raw = request.queryParameter("assigneeId") {
            if raw == "me" {
                assigneeID = principal.userID
            } else {
                guard let id = UUID(uuidString: raw) else {
                    throw AppError.badRequest(
                        "A query parameter is not valid.", [FieldProblem(field: "assigneeId", message: "must be a UUID or me")])
                }
                assigneeID = id
            }
        }
    }

    /// Adds the filter's conditions to a select over `work_orders`.
    func apply(to select: SQLSelectBuilder, dialect: SQLDialectKind, now: Date = Date()) {
        let table = WorkOrder.schema
        func column(_ name: String) -> PlainColumn { PlainColumn(name, table: table) }
        if let statuses {
            if statuses.isEmpty {
                select.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
            } else {
                select.where(column("status"), .in, SQLBind.group(statuses.map(\.rawValue)))
            }
        }
        if let priority { select.where(column("priority"), .equal, SQLBind(priority.rawValue)) }
        if let type { select.where(column("type"), .equal, SQLBind(type.rawValue)) }
        if let source { select.where(column("source"), .equal, SQLBind(source.rawValue)) }
        if let siteID { select.where(column("site_id"), .equal, SQLBind(siteID)) }
        if let assetID { select.where(column("asset_id"), .equal, SQLBind(assetID)) }
        if let teamID { select.where(column("team_id"), .equal, SQLBind(teamID)) }
        if let pmScheduleID { select.where(column("pm_schedule_id"), .equal, SQLBind(pmScheduleID)) }
        if let dueBefore { select.where(column("due_at"), .lessThan, SQLBind(dueBefore)) }
        if overdue {
            select.where(column("due_at"), .lessThan, SQLBind(now))
                .where(column("status"), .notIn, SQLBind.group([WorkOrderStatus.completed.rawValue, WorkOrderStatus.cancelled.rawValue]))
        }
        if let text { select.where(column("title"), .like, SQLBind("%" + text + "%")) }
        if let assigneeID { select.where(WorkOrders.assigneeCondition(assigneeID, dialect: dialect)) }
        if let completedSince { select.where(column("completed_at"), .greaterThanOrEqual, SQLBind(completedSince)) }
    }
}

extension WorkOrders {
    /// The sorts a work-order list offers (`?sort=`), and the columns behind them.
    static let sorts = [
        SortColumn("number", "number", .int),
        SortColumn("priority", "priority_rank", .int),
        SortColumn("dueAt", "due_at", .date(missing: .distantFuture)),
        .createdAt,
        SortColumn("updatedAt", "updated_at", .date(missing: .distantPast)),
    ]

    /// One page of the work orders `principal` may see that match `filter`, as DTOs: shared by the API list and
    /// the list page.
    static func list(
        _ filter: WorkOrderFilter, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [WorkOrder.DTO], nextCursor: String?) {
        let select = principal.scoped(try db.sql.select().from(WorkOrder.schema), table: WorkOrder.schema)
        filter.apply(to: select, dialect: db.dialectKind)
        return try await select.page(parameters, sorts: sorts, as: WorkOrder.DTO.self)
    }

    /// The first `limit` work orders `principal` may see that match `filter`, in the order of `columns`: a page's
    /// short list (the home page's "my work" by due date, the board's recently completed), not a paged list.
    static func first(
        _ limit: Int, _ filter: WorkOrderFilter, by columns: [(name: String, direction: SQLDirection)], principal: Principal,
        on db: any Database
    ) async throws -> [WorkOrder.DTO] {
        let select = principal.scoped(try db.sql.select().from(WorkOrder.schema), table: WorkOrder.schema)
            .column(SelectList.of(WorkOrder.DTO.self))
        filter.apply(to: select, dialect: db.dialectKind)
        for column in columns { select.orderBy(PlainColumn(column.name, table: WorkOrder.schema), column.direction) }
        return try await select.limit(limit).all().map { try WorkOrder.DTO(row: RowReader($0)) }
    }

    /// One work order `principal` may see, or 404.
    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> WorkOrder.DTO {
        let select = principal.scoped(try db.sql.select().from(WorkOrder.schema), table: WorkOrder.schema)
            .column(SelectList.of(WorkOrder.DTO.self))
            .where(PlainColumn("id", table: WorkOrder.schema), .equal, SQLBind(id))
        guard let row = try await select.first() else { throw AppError.notFound("No such work order.") }
        return try WorkOrder.DTO(row: RowReader(row))
    }

    /// Rows whose assignee list holds `id`. The lists are native `uuid[]` on PostgreSQL and JSON text on SQLite,
    /// so this is the one place the two are matched differently.
    static func assigneeCondition(_ id: UUID, dialect: SQLDialectKind) -> any SQLExpression {
        switch dialect {
        case .postgres:
            SQLRaw("\"\(WorkOrder.schema)\".\"assignee_ids\" @> ARRAY['\(id.uuidString.lowercased())']::uuid[]")
        case .sqlite:
            SQLRaw("instr(upper(\"\(WorkOrder.schema)\".\"assignee_ids\"), '\(id.uuidString.uppercased())') > 0")
        }
    }
}

extension WorkOrder.DTO: RowDecodable {
    static let table = WorkOrder.schema
    /// In the order ``init(row:)`` reads them (status and due date first, for `overdue`).
    static let columns = [
        "status", "due_at", "id", "number", "title", "description", "type", "priority", "source", "site_id", "asset_id", "location_id",
        "team_id", "assignee_ids", "estimated_minutes", "created_by_user_id", "requested_by_user_id", "resolution_note",
        "status_reason", "problem_code_id", "cause_code_id", "remedy_code_id", "fault_codes", "started_at", "completed_at",
        "completed_by_user_id", "pm_schedule_id", "pm_due_at", "parent_work_order_id", "diagnosis_id", "version", "created_at",
        "updated_at",
    ]

    init(row: RowReader) throws {
        let status = try row.enum("status", as: WorkOrderStatus.self)
        let dueAt = try row.optionalDate("due_at")
        self.init(
            id: try row.uuid("id"), number: WorkOrder.displayNumber(try row.int("number")), title: try row.string("title"),
            description: try row.optionalString("description"), type: try row.enum("type"), priority: try row.enum("priority"),
            status: status, allowedActions: WorkOrderStateMachine.allowedActions(from: status), source: try row.enum("source"),
            siteId: try row.uuid("site_id"), assetId: try row.optionalUUID("asset_id"), locationId: try row.optionalUUID("location_id"),
            teamId: try row.optionalUUID("team_id"), assigneeIds: try row.uuids("assignee_ids"), dueAt: dueAt,
            overdue: !status.isFinal && (dueAt.map { $0 < Date() } ?? false), estimatedMinutes: try row.optionalInt("estimated_minutes"),
            createdByUserId: try row.optionalUUID("created_by_user_id"), requestedByUserId: try row.optionalUUID("requested_by_user_id"),
            resolutionNote: try row.optionalString("resolution_note"), statusReason: try row.optionalString("status_reason"),
            problemCodeId: try row.optionalUUID("problem_code_id"), causeCodeId: try row.optionalUUID("cause_code_id"),
            remedyCodeId: try row.optionalUUID("remedy_code_id"), faultCodes: try row.optionalStrings("fault_codes") ?? [],
            startedAt: try row.optionalDate("started_at"), completedAt: try row.optionalDate("completed_at"),
            completedByUserId: try row.optionalUUID("completed_by_user_id"), pmScheduleId: try row.optionalUUID("pm_schedule_id"),
            pmDueAt: try row.optionalDate("pm_due_at"), parentWorkOrderId: try row.optionalUUID("parent_work_order_id"),
            diagnosisId: try row.optionalUUID("diagnosis_id"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

extension WorkOrder.DTO: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("id", id)
        json.member("number", number)
        json.member("title", title)
        json.member("description", description)
        json.member("type", type)
        json.member("priority", priority)
        json.member("status", status)
        json.member("allowedActions", allowedActions)
        json.member("source", source)
        json.member("siteId", siteId)
        json.member("assetId", assetId)
        json.member("locationId", locationId)
        json.member("teamId", teamId)
        json.member("assigneeIds", assigneeIds)
        json.member("dueAt", dueAt)
        json.member("overdue", overdue)
        json.member("estimatedMinutes", estimatedMinutes)
        json.member("createdByUserId", createdByUserId)
        json.member("requestedByUserId", requestedByUserId)
        json.member("resolutionNote", resolutionNote)
        json.member("statusReason", statusReason)
        json.member("problemCodeId", problemCodeId)
        json.member("causeCodeId", causeCodeId)
        json.member("remedyCodeId", remedyCodeId)
        json.member("faultCodes", faultCodes)
        json.member("startedAt", startedAt)
        json.member("completedAt", completedAt)
        json.member("completedByUserId", completedByUserId)
        json.member("pmScheduleId", pmScheduleId)
        json.member("pmDueAt", pmDueAt)
        json.member("parentWorkOrderId", parentWorkOrderId)
        json.member("diagnosisId", diagnosisId)
        json.member("version", version)
        json.member("createdAt", createdAt)
        json.member("updatedAt", updatedAt)
    }
}

extension WorkOrder {
    /// Every column of a new work order and its value, as Fluent's `create` writes them.
    var insertValues: [(column: String, value: any Encodable & Sendable)] {
        [
            ("id", id), ("organization_id", organizationID), ("number", number), ("title", title), ("description", details),
            ("type", type), ("priority", priority), ("priority_rank", priorityRank), ("status", status), ("source", source),
            ("site_id", siteID), ("asset_id", assetID), ("location_id", locationID), ("team_id", teamID),
            ("assignee_ids", assigneeIDs), ("due_at", dueAt), ("estimated_minutes", estimatedMinutes),
            ("created_by_user_id", createdByUserID), ("requested_by_user_id", requestedByUserID), ("resolution_note", resolutionNote),
            ("status_reason", statusReason), ("problem_code_id", problemCodeID), ("cause_code_id", causeCodeID),
            ("remedy_code_id", remedyCodeID), ("fault_codes", faultCodes), ("started_at", startedAt), ("completed_at", completedAt),
            ("completed_by_user_id", completedByUserID), ("pm_schedule_id", pmScheduleID), ("pm_due_at", pmDueAt),
            ("parent_work_order_id", parentWorkOrderID), ("diagnosis_id", diagnosisID), ("version", version),
            ("created_at", createdAt), ("updated_at", updatedAt),
        ]
    }

    /// Inserts this new work order in one SQL statement, as `create(on:)` would — a new id, both timestamps now,
    /// the priority's rank (``WorkOrderPriorityRank``) — without Fluent's reflection over the model, which was a
    /// quarter of a create. The model is marked as stored, as after `create`.
    func insert(on db: any Database) async throws {
        if id == nil { id = UUID() }
        let now = Date()
        createdAt = now
        updatedAt = now
        priorityRank = priority.rank
        let values = insertValues
        try await db.sql.insert(into: Self.schema).columns(values.map(\.column)).values(values.map { SQLBind($0.value) }).run()
        $id.exists = true
    }
}
