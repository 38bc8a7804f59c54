import Fluent
import Foundation
import JWT
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Turns `Authorization: Bearer …` into a ``Principal``: an API key (`mw_…`) or a JWT access token.
///
/// A request without credentials passes through unauthenticated; handlers that need a principal ask for
/// ``Vapor/Request/principal`` and answer 401. A request with a bad credential is refused here.
struct Authenticator: AsyncMiddleware {
    static let apiKeyPrefix = "mw_"
    /// Last use of an API key is written at most this often, so that a busy integration does not turn every
    /// read into a write.
    static let lastUsedResolution: TimeInterval = 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.headers.bearerAuthorization?.token {
            request.optionalPrincipal =
                token.hasPrefix(Self.apiKeyPrefix)
                ? try await Self.apiKeyPrincipal(token, request: request)
                : try await Self.accessTokenPrincipal(token, request: request)
        }
        return try await next.respond(to: request)
    }

    static func apiKeyPrincipal(_ token: String, request: Request) async throws -> Principal {
        let hash = Secrets.sha256Hex(token)
        // Written out and read column by column: every request an integration makes pays it.
        let row = try await request.db.sql.raw(
            """
            SELECT "id", "organization_id", "name", "scopes", "created_by_user_id", "last_used_at", "expires_at", "revoked_at" \
            FROM "api_keys" WHERE "key_hash" = \(bind: hash)
            """
        ).first().map(RowReader.init)
        guard let row, try row.optionalDate("revoked_at") == nil else {
            throw AppError.unauthorized("The API key is not valid or was revoked.")
        }
        let key = (
            id: try row.uuid("id"), organizationID: try row.uuid("organization_id"), name: try row.string("name"),
            scopes: try row.strings("scopes"), createdByUserID: try row.optionalUUID("created_by_user_id"),
            lastUsedAt: try row.optionalDate("last_used_at"), expiresAt: try row.optionalDate("expires_at")
        )
        let keyID = key.id
        let now = Date()
        if let expiresAt = key.expiresAt, expiresAt <= now { throw AppError.unauthorized("The API key has expired.") }
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedResolution }) ?? true {
            try await request.write { db in
                try await APIKey.query(on: db).filter(\.$id == keyID).set(\.$lastUsedAt, to: now).update()
            }
        }
        return Principal(
            organizationID: key.organizationID, userID: key.createdByUserID, email: nil, role: nil,
            permissions: APIKey.permissions(of: key.scopes), siteIDs: nil, credential: .apiKey(id: keyID, name: key.name))
    }

    static func accessTokenPrincipal(_ token: String, request: Request) async throws -> Principal {
        let verified = request.application.services.verifiedTokens
        let payload: AccessTokenPayload
        if let known = verified.payload(of: token) {
            payload = known
        } else {
            do {
                payload = try await request.application.jwt.keys.verify(token, as: AccessTokenPayload.self)
            } catch {
                throw AppError.unauthorized("The access token is not valid or has expired.")
            }
            verified.remember(token, payload)
        }
        guard let userID = UUID(uuidString: payload.sub.value), let organizationID = UUID(uuidString: payload.org) else {
            throw AppError.unauthorized("The access token is not valid.")
        }
        return try await memberPrincipal(userID: userID, organizationID: organizationID, credential: .accessToken, on: request.db)
    }

    /// The principal of a member, read fresh so that a changed role or removed membership takes effect at once:
    /// one row of the membership joined to its user, decoded directly (every authenticated request pays it).
    static func memberPrincipal(userID: UUID, organizationID: UUID, credential: Principal.Credential, on db: any Database)
        async throws -> Principal
    {
        // Written out, not built: this runs on every request, and building and serialising a select was a tenth of
        // GET /me.
        let row = try await db.sql.raw(
            """
            SELECT "m"."role", "m"."site_ids", "u"."email" FROM "memberships" AS "m" INNER JOIN "users" AS "u" ON "u"."id" = "m"."user_id" \
            WHERE "m"."organization_id" = \(bind: organizationID) AND "m"."user_id" = \(bind: userID)
            """
        ).first()
        guard let row = row.map(RowReader.init) else {
            throw AppError.unauthorized("This account is no longer a member of the organization.")
        }
        let role = try row.enum("role", as: Role.self)
        return Principal(
            organizationID: organizationID, userID: userID, email: try row.string("email"), role: role, permissions: role.permissions,
            siteIDs: try row.optionalUUIDs("site_ids"), credential: credential)
    }
}

/// Access tokens this server verified, by their exact text: the same text carries the same signature, so it is
/// not checked again (JWTKit's verification — an actor hop, two JSON decodes and an HMAC — was a sixth of an
/// authenticated read). The expiry is checked on every use; at most `capacity` are kept, then it starts over.
final class VerifiedTokens: Sendable {
    static let capacity = 10_000
    private let tokens = NIOLockedValueBox<[String: AccessTokenPayload]>([:])

    /// The token's claims if it was verified before and has not expired since.
    func payload(of token: String) -> AccessTokenPayload? {
        guard let payload = tokens.withLockedValue({ $0[token] }) else { return nil }
        guard payload.exp.value > Date() else {
            tokens.withLockedValue { _ = $0.removeValue(forKey: token) }
            return nil
        }
        return payload
    }

    func remember(_ token: String, _ payload: AccessTokenPayload) {
        tokens.withLockedValue {
            if $0.count >= Self.capacity { $0.removeAll() }
            $0[token] = payload
        }
    }
}
