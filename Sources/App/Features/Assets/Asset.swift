import Fluent
import Foundation
import Vapor

/// Anything that is maintained: a machine, a drive, a PLC, a printer, a vehicle, a client's server. Assets form a
/// tree (a conveyor and its drive), sit at a site and optionally in a location.
final class Asset: Model, SiteOwned, @unchecked Sendable {
    static let schema = "assets"
    static let entityType = "asset"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case machine, drive, plc, printer, vehicle
        case itDevice = "it_device"
        case facility, other
    }

    /// Whether the asset can do its job: `up` counts toward availability, `down` against it.
    enum Status: String, Codable, CaseIterable, Sendable {
        case operational, degraded, standby, down, decommissioned

        var isUp: Bool { self == .operational || self == .degraded || self == .standby }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "site_id") var siteID: UUID
    @OptionalField(key: "location_id") var locationID: UUID?
    @OptionalField(key: "parent_id") var parentID: UUID?
    /// Unique in the organization; printed on the label.
    @Field(key: "tag") var tag: String
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: Kind
    @OptionalField(key: "manufacturer") var manufacturer: String?
    @OptionalField(key: "model") var modelName: String?
    @OptionalField(key: "serial_number") var serialNumber: String?
    /// 1 (can wait) to 5 (stops the plant).
    @Field(key: "criticality") var criticality: Int
    @Field(key: "status") var status: Status
    /// Calendar days, `YYYY-MM-DD`.
    @OptionalField(key: "install_date") var installDate: String?
    @OptionalField(key: "warranty_end") var warrantyEnd: String?
    @OptionalField(key: "purchase_cost") var purchaseCost: Double?
    @OptionalField(key: "description") var details: String?
    /// Canonical JSON of the organization's custom fields for this asset.
    @OptionalField(key: "custom_fields") var customFields: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Asset, FieldProperty<Asset, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<Asset, FieldProperty<Asset, UUID>> { \.$siteID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var siteId: UUID
        var locationId: UUID?
        var parentId: UUID?
        var tag: String
        var name: String
        var kind: Kind
        var manufacturer: String?
        var model: String?
        var serialNumber: String?
        var criticality: Int
        var status: Status
        var isUp: Bool
        var installDate: String?
        var warrantyEnd: String?
        var purchaseCost: Double?
        var description: String?
        var customFields: [String: JSONValue]?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        var fields: [String: JSONValue]?
        if case .object(let object)? = JSONValue.parse(customFields) { fields = object }
        return DTO(
            id: id ?? UUID(), siteId: siteID, locationId: locationID, parentId: parentID, tag: tag, name: name, kind: kind,
            manufacturer: manufacturer, model: modelName, serialNumber: serialNumber, criticality: criticality, status: status,
            isUp: status.isUp, installDate: installDate, warrantyEnd: warrantyEnd, purchaseCost: purchaseCost, description: details,
            customFields: fields, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _siteID, _locationID, _parentID, _tag, _name, _kind, _manufacturer, _modelName, _serialNumber,
            _criticality, _status, _installDate, _warrantyEnd, _purchaseCost, _details, _customFields, _version, _createdAt, _updatedAt,
        ]
    }
}
