import Fluent
import Foundation
import JWT
import SQLKit
import Vapor

/// The claims of a short-lived access token.
struct AccessTokenPayload: JWTPayload {
    var sub: SubjectClaim
    var org: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// What `POST /auth/token` and `POST /auth/refresh` answer.
struct TokenResponse: Content {
    var accessToken: String
    var tokenType = "Bearer"
    /// Seconds until the access token expires.
    var expiresIn: Int
    var refreshToken: String
    var refreshTokenExpiresAt: Date
    var organizationId: UUID
    var userId: UUID
    var role: Role
}

/// Issues access tokens and rotating refresh tokens.
enum Tokens {
    static let refreshPrefix = "rt_"

    /// A new access token, and a refresh token in `family` (a new family at sign-in).
    static func issue(
        user: User, membership: Membership, family: UUID = UUID(), familyExpiresAt: Date? = nil, request: Request, on db: any Database
    ) async throws -> TokenResponse {
        let config = request.application.config
        let userID = try user.requireID()
        let now = Date()
        let payload = AccessTokenPayload(
            sub: .init(value: userID.uuidString), org: membership.organizationID.uuidString,
            exp: .init(value: now.addingTimeInterval(config.accessTokenLifetime)), iat: .init(value: now),
            jti: .init(value: UUID().uuidString))
        let accessToken = try await request.application.jwt.keys.sign(payload)
        let refreshToken = refreshPrefix + Secrets.randomToken(length: 48)
        // The lifetime covers the whole sign-in: rotating a token does not extend it.
        let expiresAt = familyExpiresAt ?? now.addingTimeInterval(config.refreshTokenLifetime)
        try await RefreshToken(
            organizationID: membership.organizationID, userID: userID, familyID: family,
            tokenHash: Secrets.sha256Hex(refreshToken), expiresAt: expiresAt
        ).create(on: db)
        return TokenResponse(
            accessToken: accessToken, expiresIn: Int(config.accessTokenLifetime), refreshToken: refreshToken,
            refreshTokenExpiresAt: expiresAt, organizationId: membership.organizationID, userId: userID, role: membership.role)
    }

    enum RefreshOutcome: Sendable {
        case rotated(TokenResponse)
        /// A spent token came back: the family is revoked and the caller must sign in again.
        case reused(RefreshToken)
        case invalid
    }

    /// Spends `presented` and issues its successor in the same family.
    static func refresh(_ presented: String, request: Request) async throws -> TokenResponse {
        let hash = Secrets.sha256Hex(presented)
        let outcome: RefreshOutcome = try await request.write { db in
            guard let token = try await RefreshToken.query(on: db).filter(\.$tokenHash == hash).first(), let tokenID = token.id else {
                return .invalid
            }
            if token.revokedAt != nil || token.expiresAt < Date() { return .invalid }
            // Spend it with a conditional update, so that of two concurrent uses exactly one wins.
            let spent = try await db.sql.update(RefreshToken.schema)
                .set("used_at", to: Date())
                .where("id", .equal, tokenID)
                .where("used_at", .is, SQLLiteral.null)
                .returning("id")
                .all()
            if spent.isEmpty {
                try await revokeFamily(token.familyID, on: db)
                return .reused(token)
            }
            guard
                let membership = try await Membership.query(on: db)
                    .filter(\.$organizationID == token.organizationID).filter(\.$user.$id == token.userID).with(\.$user).first()
            else { return .invalid }
            return .rotated(
                try await issue(
                    user: membership.user, membership: membership, family: token.familyID, familyExpiresAt: token.expiresAt,
                    request: request, on: db))
        }
        switch outcome {
        case .rotated(let response):
            return response
        case .reused(let token):
            // Recorded after the revocation committed, so a failed audit write cannot undo the revocation.
            try await request.write { db in
                try await AuditLog.record(
                    "auth.refresh_token_reused", entityType: "user", entityID: token.userID,
                    after: ["familyId": token.familyID.uuidString], organizationID: token.organizationID,
                    context: AuditContext(
                        actor: AuditActor(type: .user, id: token.userID, label: "refresh-token"), requestID: request.requestID,
                        clientAddress: request.clientAddress, seal: request.application.auditSeal),
                    on: db)
            }
            throw AppError.unauthorized("This refresh token was already used; every token of its sign-in is now revoked. Sign in again.")
        case .invalid:
            throw AppError.unauthorized("The refresh token is not valid.")
        }
    }

    /// Revokes every token of the sign-in that `presented` belongs to. Unknown tokens are ignored.
    static func logout(_ presented: String, request: Request) async throws {
        let hash = Secrets.sha256Hex(presented)
        try await request.write { db in
            guard let token = try await RefreshToken.query(on: db).filter(\.$tokenHash == hash).first() else { return }
            try await revokeFamily(token.familyID, on: db)
        }
    }

    static func revokeFamily(_ family: UUID, on db: any Database) async throws {
        try await RefreshToken.query(on: db).filter(\.$familyID == family).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).update()
    }
}
