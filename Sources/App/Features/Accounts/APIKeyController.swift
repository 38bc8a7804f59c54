import Fluent
import Vapor

/// `/api-keys`: long-lived, scoped credentials for integrations, through the ``APIKeys`` operations the API
/// keys page also calls.
struct APIKeyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keys = routes.grouped("api-keys")
        keys.get(use: Self.list)
        keys.post(use: Self.create)
        keys.get(":apiKeyID", use: Self.show)
        keys.delete(":apiKeyID", use: Self.revoke)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.apiKeysRead)
        var revoked: Bool?
        switch request.queryParameter("revoked") {
        case nil: break
        case "true": revoked = true
        case "false": revoked = false
        default:
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: "revoked", message: "must be true or false")])
        }
        return try await Listing.respond(request, sorts: APIKeys.sorts, defaultSort: "-createdAt", filename: "api-keys") {
            try await APIKeys.list(revoked: revoked, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> APIKeyDTO {
        let principal = try request.principal
        try principal.require(.apiKeysRead)
        return try await principal.find(APIKey.self, request.pathID("apiKeyID"), on: request.db).dto
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let created = try await APIKeys.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        let response = try await created.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/api-keys/\(created.apiKey.id)")
        return response
    }

    @Sendable static func revoke(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.apiKeysRevoke)
        try await APIKeys.revoke(try request.pathID("apiKeyID"), principal: principal, through: request)
        return .noContent
    }
}
