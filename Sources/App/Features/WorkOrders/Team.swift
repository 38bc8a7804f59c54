import Fluent
import Foundation
import Vapor

/// A group of people work can be assigned to (a shift, a trade, a contractor crew).
final class Team: Model, VersionedModel, @unchecked Sendable {
    static let schema = "teams"
    static let entityType = "team"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "member_ids") var memberIDs: [UUID]
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Team, FieldProperty<Team, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var name: String
        var memberIds: [UUID]
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), name: name, memberIds: memberIDs, version: version, createdAt: createdAt, updatedAt: updatedAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _name, _memberIDs, _version, _createdAt, _updatedAt] }
}
