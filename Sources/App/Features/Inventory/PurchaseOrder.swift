import Fluent
import Foundation
import Vapor

/// An order of parts from a vendor: draft → submitted → approved → partially received → received → closed.
final class PurchaseOrder: Model, VersionedModel, SiteTagged, @unchecked Sendable {
    static let schema = "purchase_orders"
    static let entityType = "purchase_order"

    enum Status: String, Codable, CaseIterable, Sendable {
        case draft, submitted, approved
        case partiallyReceived = "partially_received"
        case received, closed, cancelled
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "vendor_id") var vendorID: UUID
    /// Where the goods are delivered: every line's location is at this site. None only on orders older than sites
    /// on orders, which only members who reach every site see.
    @OptionalField(key: "site_id") var siteID: UUID?
    @Field(key: "status") var status: Status
    @OptionalField(key: "notes") var notes: String?
    /// Drafted by the system when stock fell below its minimum.
    @Field(key: "automatic") var automatic: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<PurchaseOrder, FieldProperty<PurchaseOrder, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<PurchaseOrder, OptionalFieldProperty<PurchaseOrder, UUID>> { \.$siteID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var number: String
        var vendorId: UUID
        var siteId: UUID?
        var status: Status
        var notes: String?
        var automatic: Bool
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    /// `PO-` and the number, zero-padded to six digits.
    static func displayNumber(_ number: Int) -> String { "PO-" + String(format: "%06d", number) }

    /// A new draft order, numbered in the organization's sequence and created, without lines.
    static func draft(
        vendorID: UUID, siteID: UUID?, notes: String?, automatic: Bool, organizationID: UUID, on db: any Database
    ) async throws -> PurchaseOrder {
        let order = PurchaseOrder()
        order.organizationID = organizationID
        order.number = try await Counter.next("purchase_order", organizationID: organizationID, on: db)
        order.vendorID = vendorID
        order.siteID = siteID
        order.status = .draft
        order.notes = notes
        order.automatic = automatic
        order.version = 1
        try await order.create(on: db)
        return order
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), number: Self.displayNumber(number), vendorId: vendorID, siteId: siteID, status: status,
            notes: notes, automatic: automatic, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _number, _vendorID, _siteID, _status, _notes, _automatic, _version, _createdAt, _updatedAt]
    }
}

/// One part on a purchase order, and how much of it has arrived.
final class PurchaseOrderLine: Model, TenantModel, @unchecked Sendable {
    static let schema = "purchase_order_lines"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "purchase_order_id") var purchaseOrderID: UUID
    @Field(key: "part_id") var partID: UUID
    /// Where the goods go when they arrive.
    @Field(key: "location_id") var locationID: UUID
    @Field(key: "quantity") var quantity: Double
    @Field(key: "unit_cost") var unitCost: Double
    @Field(key: "received_quantity") var receivedQuantity: Double
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<PurchaseOrderLine, FieldProperty<PurchaseOrderLine, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var purchaseOrderId: UUID
        var partId: UUID
        var locationId: UUID
        var quantity: Double
        var unitCost: Double
        var receivedQuantity: Double
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), purchaseOrderId: purchaseOrderID, partId: partID, locationId: locationID, quantity: quantity,
            unitCost: unitCost,
            receivedQuantity: receivedQuantity, createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _purchaseOrderID, _partID, _locationID, _quantity, _unitCost, _receivedQuantity, _createdAt]
    }
}
