import Fluent
import Foundation
import Vapor

/// A place where assets are: a plant, a building, a client's office. Its time zone dates the PM schedules there.
final class Site: Model, VersionedModel, @unchecked Sendable {
    static let schema = "sites"
    static let entityType = "site"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @OptionalField(key: "client_id") var clientID: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "address") var address: String?
    /// An IANA zone such as `Europe/Berlin`.
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Site, FieldProperty<Site, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var clientId: UUID?
        var name: String
        var address: String?
        var timeZone: String
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), clientId: clientID, name: name, address: address, timeZone: timeZone, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _clientID, _name, _address, _timeZone, _version, _createdAt, _updatedAt] }
}
