import Fluent
import Vapor

/// `/sites`: the places where assets are.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let sites = routes.grouped("sites")
        sites.get(use: Self.list)
        sites.post(use: Self.create)
        sites.get(":siteID", use: Self.show)
        sites.patch(":siteID", use: Self.update)
        sites.delete(":siteID", use: Self.delete)
    }

    static let sortFields: [SortField<Site>] = [
        SortField("name", "name") { .string($0.name) },
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) },
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesRead)
        let query = principal.sitesQuery(on: request.db)
        if let clientID = try request.queryUUID("clientId") { query.filter(\.$clientID == clientID) }
        if let text = request.queryParameter("q"), !text.isEmpty { query.filter(\.$name ~~ text) }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "name", filename: "sites") { $0.dto }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesRead)
        return try await Resources.show(try await principal.findSite(request.pathID("siteID"), on: request.db), for: request)
    }

    struct Input: Sendable {
        var name: String??
        var address: String??
        var timeZone: String??
        var clientID: UUID??

        init(_ request: Request, creating: Bool) async throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: ["name", "address", "timeZone", "clientId"])
            name = creating ? .some(body.string("name", required: true)) : body.patch("name") { $0.string("name", required: true) }
            address = body.patch("address") { $0.string("address", maxLength: 500) }
            timeZone = body.patch("timeZone") { $0.timeZone("timeZone", required: true) }
            clientID = body.patch("clientId") { $0.reference("clientId", .client) }
            try await body.validate(for: request.principal, on: request.db)
        }

        func apply(to site: Site, principal: Principal, on db: any Database) async throws {
            if case .some(.some(let name)) = name { site.name = name }
            if let address { site.address = address }
            if case .some(.some(let timeZone)) = timeZone { site.timeZone = timeZone }
            if let clientID {
                if let id = clientID, try await principal.query(Client.self, on: db).filter(\.$id == id).count() == 0 {
                    throw AppError.invalid("clientId", "is not a client of this organization")
                }
                site.clientID = clientID
            }
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        guard principal.siteIDs == nil else {
            throw AppError.forbidden("Your membership is limited to some sites, so you cannot create new ones.")
        }
        let input = try await Input(request, creating: true)
        return try await Resources.create(request, path: "sites") { db in
            let site = Site()
            site.timeZone = "UTC"
            try await input.apply(to: site, principal: principal, on: db)
            return site
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        let id = try request.pathID("siteID")
        _ = try await principal.findSite(id, on: request.db)
        let input = try await Input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.findSite(id, on: $0) }) { site, db in
            try await input.apply(to: site, principal: principal, on: db)
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        let id = try request.pathID("siteID")
        return try await Resources.delete(request, load: { try await principal.findSite(id, on: $0) }) { site, db in
            let assets = try await Asset.query(on: db).filter(\.$siteID == id).count()
            let locations = try await Location.query(on: db).filter(\.$siteID == id).count()
            if assets + locations > 0 {
                throw AppError.conflict("This site still has \(assets) assets and \(locations) locations; move or delete them first.")
            }
        }
    }
}
