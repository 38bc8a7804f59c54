import Fluent
import Foundation

/// One change of state, chained to the previous event of its organization by a SHA-256 hash.
final class AuditEvent: Model, TenantModel, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// 1, 2, 3… per organization, without gaps.
    @Field(key: "sequence") var sequence: Int
    @Field(key: "actor_type") var actorType: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityID: UUID?
    /// Canonical JSON of the entity before the change (`nil` on create).
    @OptionalField(key: "before") var before: String?
    /// Canonical JSON of the entity after the change (`nil` on delete).
    @OptionalField(key: "after") var after: String?
    @OptionalField(key: "request_id") var requestID: String?
    @OptionalField(key: "client_address") var clientAddress: String?
    /// Whole seconds, so the hashed text survives both databases' date storage unchanged.
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    static var organizationIDKey: KeyPath<AuditEvent, FieldProperty<AuditEvent, UUID>> { \.$organizationID }

    init() {}

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _sequence, _actorType, _actorID, _actorLabel, _action, _entityType, _entityID, _before, _after,
            _requestID, _clientAddress, _occurredAt, _previousHash, _hash,
        ]
    }
}

/// The newest link of an organization's audit chain. Appending locks this row, so two writers can never
/// chain onto the same event; it also lets `verify` notice events cut off the end of the chain.
final class AuditChainHead: Model, @unchecked Sendable {
    static let schema = "audit_chain_heads"

    @ID(custom: "organization_id", generatedBy: .user) var id: UUID?
    @Field(key: "sequence") var sequence: Int
    @Field(key: "hash") var hash: String
    /// The server's seal over (organization, sequence, hash): see ``AuditSeal``.
    @OptionalField(key: "seal") var seal: String?

    init() {}

    init(organizationID: UUID) {
        self.id = organizationID
        self.sequence = 0
        self.hash = AuditChain.genesisHash
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _sequence, _hash, _seal] }
}
