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

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let filter = try WorkOrderFilter(request, principal: principal)
        return try await Listing.respond(request, sorts: WorkOrders.sorts, defaultSort: "-number", filename: "work-orders") {
            try await WorkOrders.list(filter, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let dto = try await WorkOrders.find(try request.pathID("workOrderID"), principal: principal, on: request.db)
        return try await dto.response(version: dto.version, for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersCreate)
        var body = try JSONBody(request)
        let dto = try await WorkOrders.create(from: &body, principal: principal, through: request)
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
        let site = existing.siteID.uuidString
        var changes = [
            DomainEvent(
                .workOrderUpdated, organizationID: principal.organizationID, entityID: id,
                data: ["number": WorkOrder.displayNumber(existing.number), "siteId": site])
        ]
        if let assignees = input.assigneeIDs, Set(assignees) != Set(existing.assigneeIDs) {
            changes.append(
                DomainEvent(
                    .workOrderAssigned, organizationID: principal.organizationID, entityID: id,
                    data: ["assigneeIds": assignees.map(\.uuidString).joined(separator: ","), "siteId": site]))
        }
        let events = changes
        let response = try await Resources.update(request, load: { try await principal.findInSite(WorkOrder.self, id, on: $0) }) {
            workOrder, db in
            guard !workOrder.status.isFinal else {
                throw AppError.conflict("A \(workOrder.status.rawValue) work order cannot be edited; reopen it first.")
            }
            try await input.apply(to: workOrder, principal: principal, on: db)
            try await Outbox.record(events, on: db)
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
