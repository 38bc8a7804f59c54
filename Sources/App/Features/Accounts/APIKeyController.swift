import Fluent
import Vapor

/// `/api-keys`: long-lived, scoped credentials for integrations.
struct APIKeyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keys = routes.grouped("api-keys")
        keys.get(use: Self.list)
        keys.post(use: Self.create)
        keys.get(":apiKeyID", use: Self.show)
        keys.delete(":apiKeyID", use: Self.revoke)
    }

    static let sortFields: [SortField<APIKey>] = [
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) },
        SortField("name", "name") { .string($0.name) },
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.apiKeysRead)
        let query = principal.query(APIKey.self, on: request.db)
        switch request.queryParameter("revoked") {
        case nil: break
        case "true": query.filter(\.$revokedAt != nil)
        case "false": query.filter(\.$revokedAt == nil)
        default:
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: "revoked", message: "must be true or false")])
        }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "-createdAt", filename: "api-keys") {
            $0.dto
        }
    }

    @Sendable static func show(_ request: Request) async throws -> APIKeyDTO {
        let principal = try request.principal
        try principal.require(.apiKeysRead)
        return try await principal.find(APIKey.self, request.pathID("apiKeyID"), on: request.db).dto
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.apiKeysCreate)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "scopes", "expiresAt"])
        let name = body.string("name", required: true, maxLength: 100)
        let names = body.stringArray("scopes", required: true)
        let expiresAt = body.date("expiresAt")
        var scopes: [Permission] = []
        if let names {
            let (parsed, unknown) = Accounts.parseScopes(names)
            scopes = parsed
            if !unknown.isEmpty {
                body.add(
                    "scopes",
                    "unknown scopes: \(unknown.joined(separator: ", ")); known: \(Permission.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            } else if scopes.isEmpty {
                body.add("scopes", "must name at least one scope")
            }
            let beyond = scopes.filter { !principal.can($0) }
            if !beyond.isEmpty {
                body.add("scopes", "you cannot grant scopes you do not hold: \(beyond.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let expiresAt, expiresAt <= Date() { body.add("expiresAt", "must be in the future") }
        try body.validate()
        guard let name else { throw AppError.validation(body.problems) }
        let context = try request.auditContext
        let grantedScopes = scopes
        let created = try await request.write { db -> CreatedAPIKeyDTO in
            let (apiKey, key) = try await Accounts.createAPIKey(
                name: name, scopes: grantedScopes, expiresAt: expiresAt, createdBy: principal.userID,
                organizationID: principal.organizationID,
                context: context, on: db)
            return CreatedAPIKeyDTO(apiKey: apiKey.dto, key: key)
        }
        let response = try await created.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/api-keys/\(created.apiKey.id)")
        return response
    }

    @Sendable static func revoke(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.apiKeysRevoke)
        let keyID = try request.pathID("apiKeyID")
        let context = try request.auditContext
        try await request.write { db in
            let apiKey = try await principal.find(APIKey.self, keyID, on: db)
            guard apiKey.revokedAt == nil else { return }
            let before = apiKey.dto
            apiKey.revokedAt = Date()
            try await apiKey.update(on: db)
            try await AuditLog.record(
                "api_key.revoked", entityType: "api_key", entityID: keyID, before: before, after: apiKey.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
        return .noContent
    }
}
