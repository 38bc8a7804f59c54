import Fluent
import Vapor

/// A purchase order's page: its lines (added and removed while it is a draft), receiving goods against them
/// once it is approved, and its total. Changes go through the ``PurchaseOrders`` operations the API calls.
struct WebPurchaseOrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let order = routes.grouped("purchase-orders", ":purchaseOrderID")
        order.get(use: Self.show)
        order.post("lines", use: Self.addLine)
        order.post("lines", ":lineID", "remove", use: Self.removeLine)
        order.post("receive", use: Self.receive)
    }

    struct LineView: Encodable {
        var id: String
        var part: String
        var location: String
        var quantity: String
        var received: String
        var unitCost: String
        var open: Bool
    }

    struct OrderPage: Encodable {
        var page: PageContext
        var id: String
        var number: String
        var vendor: String
        var status: String
        var statusLabel: String
        var notes: String?
        var total: String
        var version: Int
        var lines: [LineView]
        var draft: Bool
        var receiving: Bool
        var canWrite: Bool
        var parts: [WebOption]
        var locations: [WebOption]
        var errors: [String: String]
        var values: [String: String]
        var problem: String?
    }

    static func page(
        _ request: Request, principal: Principal, values: [String: String] = [:], errors: [String: String] = [:], problem: String? = nil
    ) async throws -> OrderPage {
        let db = request.db
        let order = try await PurchaseOrders.find(request.pathID("purchaseOrderID"), principal: principal, on: db)
        let detail = try await PurchaseOrders.detail(order, on: db)
        let parts = try await principal.rows(Part.DTO.self, orderedBy: "number", on: db)
        let partNames = Dictionary(uniqueKeysWithValues: parts.map { ($0.id, "\($0.number) \($0.name)") })
        let locations = try await principal.rows(Location.DTO.self, siteColumn: "site_id", orderedBy: "name", on: db)
        let locationNames = Dictionary(uniqueKeysWithValues: locations.map { ($0.id, $0.name) })
        let vendor = try await principal.row(Vendor.DTO.self, detail.vendorId, on: db)
        return OrderPage(
            page: try await WebSession.page(detail.number, section: "purchase-orders", principal: principal, request: request),
            id: detail.id.uuidString, number: detail.number, vendor: vendor?.name ?? "", status: detail.status.rawValue,
            statusLabel: WebFormat.label(detail.status.rawValue), notes: detail.notes, total: WebFormat.number(detail.total),
            version: detail.version,
            lines: detail.lines.map {
                LineView(
                    id: $0.id.uuidString, part: partNames[$0.partId] ?? "part", location: locationNames[$0.locationId] ?? "store",
                    quantity: WebFormat.number($0.quantity), received: WebFormat.number($0.receivedQuantity),
                    unitCost: WebFormat.number($0.unitCost), open: $0.receivedQuantity < $0.quantity)
            },
            draft: detail.status == .draft, receiving: [.approved, .partiallyReceived].contains(detail.status),
            canWrite: principal.can(.purchaseOrdersWrite),
            parts: parts.map { WebOption(value: $0.id.uuidString, label: "\($0.number) \($0.name)", selected: false) },
            locations: locations.map { WebOption(value: $0.id.uuidString, label: $0.name, selected: false) }, errors: errors,
            values: values, problem: problem)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebPage.render("purchase-order", try await page(request, principal: principal), for: request)
    }

    /// A form on the order's page: `change` calls the operation with the order's id and the version the page was
    /// read at; a refusal shows the page again with the errors and values.
    static func perform(
        _ request: Request, values: [String: String] = [:], done: String,
        _ change: (_ id: UUID, _ expected: [String], _ principal: Principal) async throws -> Void
    ) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let id = try request.pathID("purchaseOrderID")
        let expected = WebForm.expectedVersion(request)
        return try await WebForm.submit(request, done: done, redirect: "/purchase-orders/\(id)", template: "purchase-order") {
            try await change(id, expected, principal)
        } page: { errors, problem in
            try await page(request, principal: principal, values: values, errors: errors, problem: problem)
        }
    }

    @Sendable static func addLine(_ request: Request) async throws -> Response {
        let fields: [String: WebAPI.Field] = ["partId": .text, "locationId": .text, "quantity": .number, "unitCost": .number]
        let body = JSONBody(values: WebAPI.body(request, fields))
        return try await perform(request, values: WebForm.values(request, Array(fields.keys)), done: "Line added.") {
            id, expected, principal in
            _ = try await PurchaseOrders.addLine(to: id, from: { body }, expected: expected, principal: principal, through: request)
        }
    }

    @Sendable static func removeLine(_ request: Request) async throws -> Response {
        try await perform(request, done: "Line removed.") { id, expected, principal in
            _ = try await PurchaseOrders.removeLine(
                try request.pathID("lineID"), from: id, expected: expected, principal: principal, through: request)
        }
    }

    /// Receiving: each line's "received now" field, where one was filled in.
    @Sendable static func receive(_ request: Request) async throws -> Response {
        try await perform(request, done: "Goods received into stock.") { id, expected, principal in
            let order = try await PurchaseOrders.find(id, principal: principal, on: request.db)
            var lines: [JSONValue] = []
            for line in try await PurchaseOrders.detail(order, on: request.db).lines {
                let field = "receive-\(line.id.uuidString)"
                guard let raw = try? request.content.get(String.self, at: field), !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
                    continue
                }
                let quantity = Double(raw.trimmingCharacters(in: .whitespaces)).map(JSONValue.number) ?? .string(raw)
                lines.append(.object(["lineId": .string(line.id.uuidString), "quantity": quantity]))
            }
            let body = JSONBody(values: ["lines": .array(lines)])
            _ = try await PurchaseOrders.receive(on: id, from: { body }, expected: expected, principal: principal, through: request)
        }
    }
}
