import Fluent
import Vapor

/// `/purchase-orders`: ordering parts from vendors and receiving them into stock, through the ``PurchaseOrders``
/// operations the purchase-order pages also call.
struct PurchaseOrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let orders = routes.grouped("purchase-orders")
        orders.get(use: Self.list)
        orders.post(use: Self.create)
        orders.get(":purchaseOrderID", use: Self.show)
        orders.patch(":purchaseOrderID", use: Self.update)
        orders.delete(":purchaseOrderID", use: Self.delete)
        orders.post(":purchaseOrderID", "lines", use: Self.addLine)
        orders.delete(":purchaseOrderID", "lines", ":lineID", use: Self.removeLine)
        for action in PurchaseOrders.Action.allCases {
            orders.post(":purchaseOrderID", PathComponent(stringLiteral: action.rawValue)) { request in
                try await Self.act(request, action)
            }
        }
        orders.post(":purchaseOrderID", "receive", use: Self.receive)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.purchaseOrdersRead)
        let (status, vendorID) = (try request.queryEnum("status", PurchaseOrder.Status.self), try request.queryUUID("vendorId"))
        return try await Listing.respond(request, sorts: PurchaseOrders.sorts, defaultSort: "-number", filename: "purchase-orders") {
            try await PurchaseOrders.list(status: status, vendorID: vendorID, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let order = try await PurchaseOrders.find(request.pathID("purchaseOrderID"), principal: try request.principal, on: request.db)
        return try await PurchaseOrders.detail(order, on: request.db).response(version: order.version, for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let made = try await PurchaseOrders.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "purchase-orders", for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let made = try await PurchaseOrders.update(
            request.pathID("purchaseOrderID"), from: { try JSONBody(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        try await PurchaseOrders.delete(
            request.pathID("purchaseOrderID"), expected: ETag.expected(request), principal: try request.principal, through: request)
        return .noContent
    }

    @Sendable static func addLine(_ request: Request) async throws -> Response {
        let made = try await PurchaseOrders.addLine(
            to: request.pathID("purchaseOrderID"), from: { try JSONBody(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(status: .created, version: made.version, for: request)
    }

    @Sendable static func removeLine(_ request: Request) async throws -> Response {
        let made = try await PurchaseOrders.removeLine(
            request.pathID("lineID"), from: request.pathID("purchaseOrderID"), expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    static func act(_ request: Request, _ action: PurchaseOrders.Action) async throws -> Response {
        let made = try await PurchaseOrders.act(
            action, on: request.pathID("purchaseOrderID"), expected: ETag.expected(request), principal: try request.principal,
            through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    /// `POST /purchase-orders/{id}/receive {lines: [{lineId, quantity}]}`.
    @Sendable static func receive(_ request: Request) async throws -> Response {
        let made = try await PurchaseOrders.receive(
            on: request.pathID("purchaseOrderID"), from: { try JSONBody(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
    }
}
