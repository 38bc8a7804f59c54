import Fluent
import Vapor

/// `/sites`: the places where assets are, through the ``Sites`` operations the sites page also calls.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let sites = routes.grouped("sites")
        sites.get(use: Self.list)
        sites.post(use: Self.create)
        sites.get(":siteID", use: Self.show)
        sites.patch(":siteID", use: Self.update)
        sites.delete(":siteID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.sitesRead)
        let (clientID, name) = (try request.queryUUID("clientId"), request.queryParameter("q"))
        return try await Listing.respond(request, sorts: Sites.sorts, defaultSort: "name", filename: "sites") { parameters in
            try await Sites.list(clientID: clientID, name: name, parameters, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await Resources.show(
            try await Sites.find(request.pathID("siteID"), principal: try request.principal, on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let made = try await Sites.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "sites", for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let made = try await Sites.update(
            request.pathID("siteID"), from: { try JSONBody(request) }, expected: ETag.expected(request), principal: try request.principal,
            through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        try await Sites.delete(
            request.pathID("siteID"), expected: ETag.expected(request), principal: try request.principal, through: request)
        return .noContent
    }
}
