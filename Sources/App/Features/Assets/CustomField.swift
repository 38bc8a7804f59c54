import Fluent
import Foundation
import Vapor

/// An organization-defined field on assets: its key, label, type and whether it is required. Asset
/// `customFields` are checked against these definitions.
final class CustomField: Model, VersionedModel, @unchecked Sendable {
    static let schema = "custom_fields"
    static let entityType = "custom_field"

    enum FieldType: String, Codable, CaseIterable, Sendable {
        case text, number, boolean, date, select
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// The JSON key in `customFields`, e.g. `ratedKw`.
    @Field(key: "key") var key: String
    @Field(key: "label") var label: String
    @Field(key: "type") var type: FieldType
    @Field(key: "required") var required: Bool
    /// For `select`: the allowed values.
    @OptionalField(key: "options") var options: [String]?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<CustomField, FieldProperty<CustomField, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var key: String
        var label: String
        var type: FieldType
        var required: Bool
        var options: [String]?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), key: key, label: label, type: type, required: required, options: options, version: version,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Why `value` does not fit this field, or `nil` when it does.
    func problem(with value: JSONValue) -> String? {
        switch (type, value) {
        case (_, .null): return required ? "is required" : nil
        case (.text, .string(let text)): return text.count <= 1000 ? nil : "must be at most 1000 characters"
        case (.number, .number): return nil
        case (.boolean, .bool): return nil
        case (.date, .string(let text)): return JSONBody.isDay(text) ? nil : "must be a date such as 2026-01-31"
        case (.select, .string(let text)):
            return options?.contains(text) == true ? nil : "must be one of \((options ?? []).joined(separator: ", "))"
        default: return "must be \(type == .boolean ? "true or false" : "a \(type.rawValue)")"
        }
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _key, _label, _type, _required, _options, _version, _createdAt, _updatedAt]
    }
}
