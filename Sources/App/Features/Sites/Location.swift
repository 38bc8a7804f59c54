import Fluent
import Foundation
import Vapor

/// A place within a site (a hall, a room, a line); locations form a tree.
final class Location: Model, SiteOwned, @unchecked Sendable {
    static let schema = "locations"
    static let entityType = "location"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "site_id") var siteID: UUID
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var details: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Location, FieldProperty<Location, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<Location, FieldProperty<Location, UUID>> { \.$siteID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var siteId: UUID
        var parentId: UUID?
        var name: String
        var description: String?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), siteId: siteID, parentId: parentID, name: name, description: details, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _siteID, _parentID, _name, _details, _version, _createdAt, _updatedAt] }
}
