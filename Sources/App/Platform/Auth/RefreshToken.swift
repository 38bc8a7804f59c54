import Fluent
import Foundation

/// One refresh token of a rotating family. Each use spends it and issues the next; presenting a spent token
/// again means it was stolen, so the whole family is revoked.
final class RefreshToken: Model, TenantModel, @unchecked Sendable {
    static let schema = "refresh_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "family_id") var familyID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<RefreshToken, FieldProperty<RefreshToken, UUID>> { \.$organizationID }

    init() {}

    init(organizationID: UUID, userID: UUID, familyID: UUID, tokenHash: String, expiresAt: Date) {
        self.organizationID = organizationID
        self.userID = userID
        self.familyID = familyID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _userID, _familyID, _tokenHash, _expiresAt, _usedAt, _revokedAt, _createdAt]
    }
}
