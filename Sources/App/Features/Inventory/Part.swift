import Fluent
import Foundation
import Maintenance
import Vapor

/// A supplier of parts.
final class Vendor: Model, VersionedModel, Contact, @unchecked Sendable {
    static let schema = "vendors"
    static let entityType = "vendor"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Vendor, FieldProperty<Vendor, UUID>> { \.$organizationID }

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

/// A spare part or consumable that is kept in stock.
final class Part: Model, VersionedModel, @unchecked Sendable {
    static let schema = "parts"
    static let entityType = "part"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// Unique in the organization: the part number people search by.
    @Field(key: "number") var number: String
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var details: String?
    /// `each`, `m`, `l`, `kg`…
    @Field(key: "unit") var unit: String
    @Field(key: "unit_cost") var unitCost: Double
    @OptionalField(key: "barcode") var barcode: String?
    /// A part whose absence stops a critical asset: shown first in low-stock lists.
    @Field(key: "critical") var critical: Bool
    @OptionalField(key: "preferred_vendor_id") var preferredVendorID: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Part, FieldProperty<Part, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var number: String
        var name: String
        var description: String?
        var unit: String
        var unitCost: Double
        var barcode: String?
        var critical: Bool
        var preferredVendorId: UUID?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), number: number, name: name, description: details, unit: unit, unitCost: unitCost, barcode: barcode,
            critical: critical, preferredVendorId: preferredVendorID, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _number, _name, _details, _unit, _unitCost, _barcode, _critical, _preferredVendorID, _version, _createdAt,
            _updatedAt,
        ]
    }
}

/// How much of a part is at one location (a storeroom), and the levels that trigger reordering.
final class StockLevel: Model, VersionedModel, @unchecked Sendable {
    static let schema = "stock_levels"
    static let entityType = "stock_level"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "part_id") var partID: UUID
    @Field(key: "location_id") var locationID: UUID
    /// Changed only by a ``StockMovement``: the ledger and this figure always agree.
    @Field(key: "quantity") var quantity: Double
    /// Held for open work orders; available = quantity − reserved.
    @Field(key: "reserved") var reserved: Double
    @Field(key: "minimum") var minimum: Double
    @OptionalField(key: "maximum") var maximum: Double?
    @OptionalField(key: "reorder_quantity") var reorderQuantity: Double?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<StockLevel, FieldProperty<StockLevel, UUID>> { \.$organizationID }

    init() {}

    var available: Double { quantity - reserved }
    var isLow: Bool { StockArithmetic.isLow(quantity: quantity, minimum: minimum) }

    struct DTO: Content, Equatable {
        var id: UUID
        var partId: UUID
        var locationId: UUID
        var quantity: Double
        var reserved: Double
        var available: Double
        var minimum: Double
        var maximum: Double?
        var reorderQuantity: Double?
        var low: Bool
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), partId: partID, locationId: locationID, quantity: quantity, reserved: reserved, available: available,
            minimum: minimum, maximum: maximum, reorderQuantity: reorderQuantity, low: isLow, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _partID, _locationID, _quantity, _reserved, _minimum, _maximum, _reorderQuantity, _version, _createdAt,
            _updatedAt,
        ]
    }
}

/// One line of the stock ledger. Stock never changes without one: who, why, how much, and the balance after.
final class StockMovement: Model, TenantModel, @unchecked Sendable {
    static let schema = "stock_movements"

    enum Kind: String, Codable, CaseIterable, Sendable {
        /// Goods in (from a purchase order or otherwise).
        case receive
        /// Taken for a work order.
        case issue
        /// Brought back from a work order unused.
        case `return`
        case transferOut = "transfer_out"
        case transferIn = "transfer_in"
        /// A correction by a signed amount, with a reason.
        case adjust
        /// A stock count: the quantity is set to what was counted.
        case count
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "part_id") var partID: UUID
    @Field(key: "location_id") var locationID: UUID
    @Field(key: "kind") var kind: Kind
    /// Signed change of the quantity.
    @Field(key: "quantity") var quantity: Double
    @Field(key: "balance_after") var balanceAfter: Double
    @OptionalField(key: "unit_cost") var unitCost: Double?
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    @OptionalField(key: "purchase_order_id") var purchaseOrderID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "reason") var reason: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<StockMovement, FieldProperty<StockMovement, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var partId: UUID
        var locationId: UUID
        var kind: Kind
        var quantity: Double
        var balanceAfter: Double
        var unitCost: Double?
        var workOrderId: UUID?
        var purchaseOrderId: UUID?
        var userId: UUID?
        var reason: String
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), partId: partID, locationId: locationID, kind: kind, quantity: quantity, balanceAfter: balanceAfter,
            unitCost: unitCost, workOrderId: workOrderID, purchaseOrderId: purchaseOrderID, userId: userID, reason: reason,
            createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _partID, _locationID, _kind, _quantity, _balanceAfter, _unitCost, _workOrderID, _purchaseOrderID, _userID,
            _reason, _createdAt,
        ]
    }
}

/// Part quantity held for an open work order at one location.
final class Reservation: Model, TenantModel, @unchecked Sendable {
    static let schema = "reservations"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "stock_level_id") var stockLevelID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "quantity") var quantity: Double
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Reservation, FieldProperty<Reservation, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var stockLevelId: UUID
        var workOrderId: UUID
        var quantity: Double
        var createdAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), stockLevelId: stockLevelID, workOrderId: workOrderID, quantity: quantity, createdAt: createdAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _stockLevelID, _workOrderID, _quantity, _createdAt] }
}

/// Something that needs a person's attention (a part below its minimum); resolved by hand or when the
/// condition clears.
final class Alert: Model, SiteTagged, @unchecked Sendable {
    static let schema = "alerts"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case stockLow = "stock_low"
        /// A PM schedule could not make its work order; `entityID` is the schedule.
        case pmGenerationFailed = "pm_generation_failed"
    }
    enum Status: String, Codable, CaseIterable, Sendable { case open, resolved }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "kind") var kind: Kind
    @Field(key: "status") var status: Status
    @Field(key: "entity_id") var entityID: UUID
    /// The site the alert is about (a low-stock alert: its stock's); none for one about the whole organization.
    @OptionalField(key: "site_id") var siteID: UUID?
    @Field(key: "message") var message: String
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Alert, FieldProperty<Alert, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<Alert, OptionalFieldProperty<Alert, UUID>> { \.$siteID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var kind: Kind
        var status: Status
        var entityId: UUID
        var siteId: UUID?
        var message: String
        var resolvedAt: Date?
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), kind: kind, status: status, entityId: entityID, siteId: siteID, message: message, resolvedAt: resolvedAt,
            createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _kind, _status, _entityID, _siteID, _message, _resolvedAt, _createdAt] }
}

extension Vendor {
    /// The sorts a list of vendors offers (`?sort=`).
    static let sorts = [SortColumn("name", "name", .string)]
}

extension Vendor.DTO: ContactRow {
    static let table = Vendor.schema
}
