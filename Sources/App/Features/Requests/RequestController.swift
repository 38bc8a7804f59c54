import Fluent
import Maintenance
import Vapor

/// `/requests`: the request portal, through the ``Requests`` operations the requests page also calls.
struct RequestController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let requests = routes.grouped("requests")
        requests.get(use: Self.list)
        requests.post(use: Self.create)
        requests.get(":requestID", use: Self.show)
        requests.post(":requestID", "approve", use: Self.approve)
        requests.post(":requestID", "decline", use: Self.decline)
        requests.post(":requestID", "cancel", use: Self.cancel)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try Requests.requireAccess(principal)
        let status = try request.queryEnum("status", MaintenanceRequest.Status.self)
        let assetID = try request.queryUUID("assetId")
        return try await Listing.respond(request, sorts: Requests.sorts, defaultSort: "-createdAt", filename: "requests") {
            try await Requests.list(status: status, assetID: assetID, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Resources.show(
            try await Requests.visible(request.pathID("requestID"), principal: principal, on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let made = try await Requests.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "requests", for: request)
    }

    @Sendable static func approve(_ request: Request) async throws -> Response {
        let dto = try await Requests.approve(
            request.pathID("requestID"), from: { try JSONBody.optional(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await dto.response(version: dto.version, for: request)
    }

    @Sendable static func decline(_ request: Request) async throws -> Response {
        try await close(request, to: .declined)
    }

    @Sendable static func cancel(_ request: Request) async throws -> Response {
        try await close(request, to: .cancelled)
    }

    static func close(_ request: Request, to status: MaintenanceRequest.Status) async throws -> Response {
        let dto = try await Requests.close(
            request.pathID("requestID"), to: status, from: { try JSONBody.optional(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await dto.response(version: dto.version, for: request)
    }
}
