import Fluent
import Foundation
import Vapor

/// An organization's offer of membership to an e-mail address, accepted through a one-time link.
///
/// Adding a member is always an invitation, whether the e-mail has an account or not, so that the inviting
/// organization learns nothing about accounts elsewhere: it sees the same answer either way, and the person
/// joins only by accepting — with their own password when they have an account, choosing one when they do not.
/// Only a hash of the link's token is stored.
final class Invitation: Model, TenantModel, @unchecked Sendable {
    static let schema = "invitations"
    static let entityType = "invitation"
    /// How long a link works.
    static let lifetime: TimeInterval = 7 * 24 * 3600

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// Lower-cased.
    @Field(key: "email") var email: String
    @OptionalField(key: "name") var name: String?
    @Field(key: "role") var role: Role
    @OptionalField(key: "site_ids") var siteIDs: [UUID]?
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "invited_by_user_id") var invitedByUserID: UUID?
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Invitation, FieldProperty<Invitation, UUID>> { \.$organizationID }

    init() {}

    enum Status: String, Codable, Sendable { case pending, accepted, expired }

    var status: Status { Self.status(expiresAt: expiresAt, acceptedAt: acceptedAt) }

    static func status(expiresAt: Date, acceptedAt: Date?) -> Status {
        if acceptedAt != nil { return .accepted }
        return expiresAt > Date() ? .pending : .expired
    }

    struct DTO: Content, Equatable {
        var id: UUID
        var email: String
        var role: Role
        var siteIds: [UUID]?
        var status: Status
        var invitedByUserId: UUID?
        var expiresAt: Date
        var acceptedAt: Date?
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), email: email, role: role, siteIds: siteIDs, status: status, invitedByUserId: invitedByUserID,
            expiresAt: expiresAt, acceptedAt: acceptedAt, createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _email, _name, _role, _siteIDs, _tokenHash, _invitedByUserID, _expiresAt, _acceptedAt, _createdAt]
    }
}
