import Fluent
import Foundation

/// A long-lived credential for integrations: `mw_…`, stored only as a SHA-256 hash, scoped to permissions.
final class APIKey: Model, TenantModel, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    /// The first characters of the key, shown in lists so people can tell keys apart.
    @Field(key: "prefix") var prefix: String
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "scopes") var scopes: [String]
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<APIKey, FieldProperty<APIKey, UUID>> { \.$organizationID }

    init() {}

    init(
        id: UUID? = nil, organizationID: UUID, name: String, prefix: String, keyHash: String, scopes: [String],
        createdByUserID: UUID?, expiresAt: Date?
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.prefix = prefix
        self.keyHash = keyHash
        self.scopes = scopes
        self.createdByUserID = createdByUserID
        self.expiresAt = expiresAt
    }

    var permissions: Set<Permission> { Self.permissions(of: scopes) }

    /// The permissions a key's scopes grant; a scope no longer known grants nothing.
    static func permissions(of scopes: [String]) -> Set<Permission> { Set(scopes.compactMap(Permission.init(rawValue:))) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _name, _prefix, _keyHash, _scopes, _createdByUserID, _lastUsedAt, _expiresAt, _revokedAt, _createdAt,
            _updatedAt,
        ]
    }
}
