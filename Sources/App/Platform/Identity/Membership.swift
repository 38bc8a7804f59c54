import Fluent
import Foundation

/// A user's role in one organization, optionally limited to some sites.
final class Membership: Model, TenantModel, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: Role
    /// `nil`: every site of the organization. Otherwise only these sites (enforced by the CMMS policies).
    @OptionalField(key: "site_ids") var siteIDs: [UUID]?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Membership, FieldProperty<Membership, UUID>> { \.$organizationID }

    init() {}

    init(id: UUID? = nil, organizationID: UUID, userID: UUID, role: Role, siteIDs: [UUID]? = nil) {
        self.id = id
        self.organizationID = organizationID
        self.$user.id = userID
        self.role = role
        self.siteIDs = siteIDs
        self.version = 1
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _user, _role, _siteIDs, _version, _createdAt, _updatedAt] }
}
