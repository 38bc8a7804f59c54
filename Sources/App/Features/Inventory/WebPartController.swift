import Fluent
import Vapor

/// A part's page: its stock at each store, with levels, and the movement history (received, used on work
/// orders, returned, moved, counted).
struct WebPartController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("parts", ":partID", use: Self.show)
    }

    struct Level: Encodable {
        var location: String
        var quantity: String
        var reserved: String
        var minimum: String
        var low: Bool
    }

    struct Movement: Encodable {
        var when: String
        var kind: String
        var quantity: String
        var balance: String
        var location: String
        var reason: String
        var workOrder: String?
    }

    struct PartPage: Encodable {
        var page: PageContext
        var number: String
        var name: String
        var unit: String
        var unitCost: String
        var levels: [Level]
        var movements: [Movement]
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.partsRead, request)
        return try await WebPage.render("part", try await partPage(request, principal: principal), for: request)
    }

    /// A part's page: its stock at each store of the member's sites, and its latest movements.
    static func partPage(_ request: Request, principal: Principal) async throws -> PartPage {
        let db = request.db
        guard let part = try await principal.row(Part.DTO.self, request.pathID("partID"), on: db) else {
            throw AppError.notFound("No such part.")
        }
        var filter = StockFilter()
        filter.partID = part.id
        let levels = try await Stock.levels(
            filter, .init(limit: ListParameters.maximumLimit, sortName: "createdAt", descending: false), principal: principal, on: db
        ).items
        let movements = try await Stock.ledger(
            filter, .init(limit: 200, sortName: "createdAt", descending: true), principal: principal, on: db
        )
        .items
        let names = try await principal.names(
            Set(levels.map(\.locationId) + movements.map(\.locationId)), table: Location.schema, label: #""name""#, on: db)
        let page = PartPage(
            page: try await WebSession.page(part.name, section: "parts", principal: principal, request: request), number: part.number,
            name: part.name, unit: part.unit, unitCost: WebFormat.number(part.unitCost),
            levels: levels.map {
                Level(
                    location: names[$0.locationId] ?? "store", quantity: WebFormat.number($0.quantity),
                    reserved: WebFormat.number($0.reserved),
                    minimum: WebFormat.number($0.minimum), low: $0.low)
            },
            movements: movements.map {
                Movement(
                    when: WebFormat.dateTime($0.createdAt), kind: WebFormat.label($0.kind.rawValue),
                    quantity: WebFormat.number($0.quantity),
                    balance: WebFormat.number($0.balanceAfter), location: names[$0.locationId] ?? "", reason: $0.reason,
                    workOrder: $0.workOrderId?.uuidString)
            })
        return page
    }
}
