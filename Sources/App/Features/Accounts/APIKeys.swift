import Fluent
import Vapor

/// The organization's API keys: listing, creating (the key returned once), revoking. The API's `/api-keys`
/// routes and the API keys page call these; ``Accounts/createAPIKey(name:scopes:expiresAt:createdBy:organizationID:context:on:)``
/// is the step the CLI shares.
enum APIKeys {
    /// A key named `name` with `scopes` (none beyond the creator's own) and an optional future `expiresAt`.
    static func create(from body: () throws -> JSONBody, principal: Principal, through request: Request) async throws -> CreatedAPIKeyDTO {
        try principal.require(.apiKeysCreate)
        var body = try body()
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
        let context = try request.auditContext(principal)
        let grantedScopes = scopes
        return try await request.write { db -> CreatedAPIKeyDTO in
            let (apiKey, key) = try await Accounts.createAPIKey(
                name: name, scopes: grantedScopes, expiresAt: expiresAt, createdBy: principal.userID,
                organizationID: principal.organizationID, context: context, on: db)
            return CreatedAPIKeyDTO(apiKey: apiKey.dto, key: key)
        }
    }

    /// Revokes the key `id`; revoking a revoked key changes nothing.
    static func revoke(_ id: UUID, principal: Principal, through request: Request) async throws {
        try principal.require(.apiKeysRevoke)
        let context = try request.auditContext(principal)
        try await request.write { db in
            let apiKey = try await principal.find(APIKey.self, id, on: db)
            guard apiKey.revokedAt == nil else { return }
            let before = apiKey.dto
            apiKey.revokedAt = Date()
            try await apiKey.update(on: db)
            try await AuditLog.record(
                "api_key.revoked", entityType: "api_key", entityID: id, before: before, after: apiKey.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
    }
}
