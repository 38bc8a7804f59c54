import Fluent
import Foundation
import Vapor

/// A customer of a contractor or managed-service provider. Optional: a plant's own maintenance team has none.
final class Client: Model, VersionedModel, Contact, @unchecked Sendable {
    static let schema = "clients"
    static let entityType = "client"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Client, FieldProperty<Client, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var name: String
        var email: String?
        var phone: String?
        var notes: String?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), name: name, email: email, phone: phone, notes: notes, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _name, _email, _phone, _notes, _version, _createdAt, _updatedAt] }
}

extension Client {
    /// The sorts a list of clients offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("name", "name", .string), .createdAt]
}

extension Client.DTO: ContactRow {
    static let table = Client.schema
}
