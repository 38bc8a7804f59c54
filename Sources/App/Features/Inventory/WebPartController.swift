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
        let db = request.db
        let part = try await principal.find(Part.self, request.pathID("partID"), on: db)
        let id = try part.requireID()
        let levels = try await principal.query(StockLevel.self, on: db).filter(\.$partID == id).all()
        let movements = try await principal.query(StockMovement.self, on: db).filter(\.$partID == id).sort(\.$createdAt, .descending)
            .limit(200).all()
        let locationIDs = Array(Set(levels.map(\.locationID) + movements.map(\.locationID)))
        let locations = try await principal.query(Location.self, on: db).filter(\.$id ~~ locationIDs).all()
        let names = Dictionary(uniqueKeysWithValues: locations.compactMap { location in location.id.map { ($0, location.name) } })
        let page = PartPage(
            page: try await WebSession.page(part.name, section: "parts", principal: principal, request: request), number: part.number,
            name: part.name, unit: part.unit, unitCost: WebFormat.number(part.unitCost),
            levels: levels.map {
                Level(
                    location: names[$0.locationID] ?? "store", quantity: WebFormat.number($0.quantity),
                    reserved: WebFormat.number($0.reserved),
                    minimum: WebFormat.number($0.minimum), low: $0.isLow)
            },
            movements: movements.map {
                Movement(
                    when: WebFormat.dateTime($0.createdAt), kind: WebFormat.label($0.kind.rawValue),
                    quantity: WebFormat.number($0.quantity),
                    balance: WebFormat.number($0.balanceAfter), location: names[$0.locationID] ?? "", reason: $0.reason,
                    workOrder: $0.workOrderID?.uuidString)
            })
        return try await WebPage.render("part", page, for: request)
    }
}
