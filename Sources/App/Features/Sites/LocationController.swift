import Fluent
import Vapor

/// `/locations`: places within a site, as a tree.
struct LocationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let locations = routes.grouped("locations")
        locations.get(use: Self.list)
        locations.post(use: Self.create)
        locations.get(":locationID", use: Self.show)
        locations.patch(":locationID", use: Self.update)
        locations.delete(":locationID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesRead)
        let (siteID, parentID) = (try request.queryUUID("siteId"), try request.queryUUID("parentId"))
        let rootOnly = request.queryParameter("root") == "true"
        return try await Listing.respond(request, sorts: Locations.sorts, defaultSort: "name", filename: "locations") {
            try await Locations.list(siteID: siteID, parentID: parentID, rootOnly: rootOnly, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesRead)
        return try await Resources.show(
            try await principal.findInSite(Location.self, request.pathID("locationID"), on: request.db), for: request)
    }

    struct Input: Sendable {
        var siteID: UUID?
        var parentID: UUID??
        var name: String??
        var description: String??

        init(_ request: Request, creating: Bool) async throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: creating ? ["siteId", "parentId", "name", "description"] : ["parentId", "name", "description"])
            siteID = creating ? body.reference("siteId", .site, required: true) : nil
            parentID = body.patch("parentId") { $0.reference("parentId", .location) }
            name = creating ? .some(body.string("name", required: true)) : body.patch("name") { $0.string("name", required: true) }
            description = body.patch("description") { $0.string("description", maxLength: 2000) }
            try await body.validate(for: request.principal, on: request.db)
        }

        func apply(to location: Location, principal: Principal, on db: any Database) async throws {
            if case .some(.some(let name)) = name { location.name = name }
            if let description { location.details = description }
            if let parentID {
                if let parentID {
                    try await Hierarchy.checkParent(
                        parentID, of: location.id, field: "parentId", principal: principal, siteID: location.siteID, on: db,
                        load: { try await Location.find($0, on: $1).map { ($0.siteID, $0.parentID) } })
                }
                location.parentID = parentID
            }
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        let input = try await Input(request, creating: true)
        return try await Resources.create(request, path: "locations") { db in
            guard let siteID = input.siteID else { throw AppError.invalid("siteId", "is required") }
            try await principal.requireSite(siteID, field: "siteId", on: db)
            let location = Location()
            location.siteID = siteID
            try await input.apply(to: location, principal: principal, on: db)
            return location
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        let id = try request.pathID("locationID")
        _ = try await principal.findInSite(Location.self, id, on: request.db)
        let input = try await Input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.findInSite(Location.self, id, on: $0) }) { location, db in
            try await input.apply(to: location, principal: principal, on: db)
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.sitesWrite)
        let id = try request.pathID("locationID")
        return try await Resources.delete(request, load: { try await principal.findInSite(Location.self, id, on: $0) }) { _, db in
            let children = try await Location.query(on: db).filter(\.$parentID == id).count()
            let assets = try await Asset.query(on: db).filter(\.$locationID == id).count()
            if children + assets > 0 {
                throw AppError.conflict("This location still holds \(children) locations and \(assets) assets; move them first.")
            }
        }
    }
}

/// Rules for trees (locations, assets): a parent is in the same organization and site, and never a descendant.
enum Hierarchy {
    /// Deepest tree walked when looking for a cycle; deeper trees are refused rather than walked forever.
    static let maximumDepth = 64

    static func checkParent(
        _ parentID: UUID, of id: UUID?, field: String, principal: Principal, siteID: UUID, on db: any Database,
        load: @escaping (UUID, any Database) async throws -> (siteID: UUID, parentID: UUID?)?
    ) async throws {
        guard let parent = try await load(parentID, db) else { throw AppError.invalid(field, "does not exist") }
        guard parent.siteID == siteID else { throw AppError.invalid(field, "is at another site") }
        var cursor: UUID? = parentID
        var depth = 0
        while let current = cursor {
            if current == id { throw AppError.invalid(field, "would make this its own ancestor") }
            depth += 1
            if depth > maximumDepth { throw AppError.invalid(field, "makes the tree deeper than \(maximumDepth) levels") }
            cursor = try await load(current, db)?.parentID
        }
    }
}
