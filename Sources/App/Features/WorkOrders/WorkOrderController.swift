import Fluent
import Maintenance
import Vapor

/// `/work-orders`: create, list, read, edit and delete work orders. Status changes are actions, in
/// `WorkOrderController+Transitions.swift`.
struct WorkOrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let workOrders = routes.grouped("work-orders")
        workOrders.get(use: Self.list)
        workOrders.post(use: Self.create)
        workOrders.post("from-text", use: Self.fromText)
        workOrders.get(":workOrderID", use: Self.show)
        workOrders.patch(":workOrderID", use: Self.update)
        workOrders.delete(":workOrderID", use: Self.delete)
        for action in WorkOrderAction.allCases {
            workOrders.post(":workOrderID", PathComponent(stringLiteral: action.rawValue)) { request in
                try await Self.transition(request, action: action)
            }
        }
    }

    static let sortFields: [SortField<WorkOrder>] = [
        SortField("number", "number") { .int($0.number) },
        SortField("priority", "priority_rank") { .int($0.priorityRank) },
        SortField("dueAt", "due_at") { .date($0.dueAt ?? .distantFuture) },
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) },
        SortField("updatedAt", "updated_at") { .date($0.updatedAt ?? .distantPast) },
    ]

    /// The work orders the principal may see, filtered by the list's query parameters (the API's and the web
    /// page's): `status` (comma-separated), `priority`, `type`, `source`, `siteId`, `assetId`, `teamId`,
    /// `pmScheduleId`, `dueBefore`, `overdue=true`, `q` (title), `assigneeId` (a UUID or `me`).
    static func filtered(_ request: Request, principal: Principal) throws -> QueryBuilder<WorkOrder> {
        let query = principal.siteQuery(WorkOrder.self, on: request.db)
        if let raw = request.query[String.self, at: "status"] {
            var statuses: [WorkOrderStatus] = []
            for name in raw.split(separator: ",") {
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
                statuses.append(status)
            }
            query.filter(\.$status ~~ statuses)
        }
        if let priority = try request.queryEnum("priority", WorkOrderPriority.self) { query.filter(\.$priority == priority) }
        if let type = try request.queryEnum("type", WorkOrderType.self) { query.filter(\.$type == type) }
        if let source = try request.queryEnum("source", WorkOrder.Source.self) { query.filter(\.$source == source) }
        if let siteID = try request.queryUUID("siteId") { query.filter(\.$siteID == siteID) }
        if let assetID = try request.queryUUID("assetId") { query.filter(\.$assetID == assetID) }
        if let teamID = try request.queryUUID("teamId") { query.filter(\.$teamID == teamID) }
        if let pmScheduleID = try request.queryUUID("pmScheduleId") { query.filter(\.$pmScheduleID == pmScheduleID) }
        if let dueBefore = try request.queryDate("dueBefore") { query.filter(\.$dueAt < dueBefore) }
        if request.query[String.self, at: "overdue"] == "true" {
            query.filter(\.$dueAt < Date()).filter(\.$status !~ [.completed, .cancelled])
        }
        if let text = request.query[String.self, at: "q"], !text.isEmpty { query.filter(\.$title ~~ text) }
        // Assignees are a UUID array: native on PostgreSQL, JSON text on SQLite; filterContains matches both.
        var assignee: UUID?
        if let raw = request.query[String.self, at: "assigneeId"] {
            if raw == "me" {
                assignee = principal.userID
            } else {
                guard let id = UUID(uuidString: raw) else {
                    throw AppError.badRequest(
                        "A query parameter is not valid.", [FieldProblem(field: "assigneeId", message: "must be a UUID or me")])
                }
                assignee = id
            }
        }
        if let assignee { try query.filterContains(arrayColumn: "assignee_ids", id: assignee) }
        return query
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let query = try filtered(request, principal: principal)
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "-number", filename: "work-orders") {
            $0.dto
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        return try await Resources.show(
            try await principal.findInSite(WorkOrder.self, request.pathID("workOrderID"), on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersCreate)
        let input = try await WorkOrderInput(request, creating: true)
        let context = try request.auditContext
        let dto = try await request.write { db -> WorkOrder.DTO in
            let workOrder = try await WorkOrders.create(
                input: input, source: input.source ?? .manual, principal: principal, context: context, on: db)
            return workOrder.dto
        }
        request.application.events.publish(.workOrderCreated(dto, organizationID: principal.organizationID))
        let response = try await dto.response(status: .created, version: dto.version, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/work-orders/\(dto.id)")
        return response
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersUpdate)
        let id = try request.pathID("workOrderID")
        let existing = try await principal.findInSite(WorkOrder.self, id, on: request.db)
        let input = try await WorkOrderInput(request, creating: false)
        let response = try await Resources.update(request, load: { try await principal.findInSite(WorkOrder.self, id, on: $0) }) {
            workOrder, db in
            guard !workOrder.status.isFinal else {
                throw AppError.conflict("A \(workOrder.status.rawValue) work order cannot be edited; reopen it first.")
            }
            try await input.apply(to: workOrder, principal: principal, on: db)
        }
        let site = existing.siteID.uuidString
        var events = [
            DomainEvent(
                .workOrderUpdated, organizationID: principal.organizationID, entityID: id,
                data: ["number": WorkOrder.displayNumber(existing.number), "siteId": site])
        ]
        if let assignees = input.assigneeIDs, Set(assignees) != Set(existing.assigneeIDs) {
            events.append(
                DomainEvent(
                    .workOrderAssigned, organizationID: principal.organizationID, entityID: id,
                    data: ["assigneeIds": assignees.map(\.uuidString).joined(separator: ","), "siteId": site]))
        }
        request.application.events.publish(events)
        return response
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.workOrdersDelete)
        let id = try request.pathID("workOrderID")
        return try await Resources.delete(request, load: { try await principal.findInSite(WorkOrder.self, id, on: $0) })
    }
}

extension QueryBuilder {
    /// Rows whose UUID-array column holds `id`. The arrays are native `uuid[]` on PostgreSQL and JSON text on
    /// SQLite, so this is the one place the two are matched differently.
    @discardableResult
    func filterContains(arrayColumn column: String, id: UUID) throws -> Self {
        switch SQLDialectKind(database) {
        case .postgres:
            filter(.sql(unsafeRaw: "\"\(Model.schemaOrAlias)\".\"\(column)\" @> ARRAY['\(id.uuidString.lowercased())']::uuid[]"))
        case .sqlite:
            filter(.sql(unsafeRaw: "instr(upper(\"\(Model.schemaOrAlias)\".\"\(column)\"), '\(id.uuidString.uppercased())') > 0"))
        }
        return self
    }
}
