import Fluent
import Foundation
import Maintenance
import SQLKit

/// Which stock rows a list shows: one part's, one location's, one work order's (movements), one kind
/// (movements), or only the levels below their minimum.
struct StockFilter: Sendable {
    var partID: UUID?
    var locationID: UUID?
    var workOrderID: UUID?
    var kind: StockMovement.Kind?
    var lowOnly = false

    func apply(to select: SQLSelectBuilder, table: String) {
        if let partID { select.where(table, "part_id", is: partID) }
        if let locationID { select.where(table, "location_id", is: locationID) }
        if let workOrderID { select.where(table, "work_order_id", is: workOrderID) }
        if let kind { select.where(table, "kind", is: kind.rawValue) }
        if lowOnly { select.where(PlainColumn("quantity", table: table), .lessThan, PlainColumn("minimum", table: table)) }
    }
}

extension Stock {
    static let levelSorts: [SortColumn] = [.createdAt]
    static let movementSorts: [SortColumn] = [.createdAt]

    /// One page of the stock levels at locations of the sites the principal reaches, narrowed by `filter`
    /// (`partID`, `locationID`, `lowOnly`).
    static func levels(_ filter: StockFilter, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws
        -> (items: [StockLevel.DTO], nextCursor: String?)
    {
        try await principal.page(StockLevel.DTO.self, requiring: .partsRead, parameters, sorts: levelSorts, on: db) {
            filter.apply(
                to: principal.limitToSites($0, of: StockLevel.schema, through: Location.schema, on: "location_id"), table: StockLevel.schema
            )
        }
    }

    /// One page of the stock ledger at locations of the sites the principal reaches, narrowed by `filter`
    /// (`partID`, `locationID`, `workOrderID`, `kind`).
    static func ledger(_ filter: StockFilter, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws
        -> (items: [StockMovement.DTO], nextCursor: String?)
    {
        try await principal.page(StockMovement.DTO.self, requiring: .partsRead, parameters, sorts: movementSorts, on: db) {
            filter.apply(
                to: principal.limitToSites($0, of: StockMovement.schema, through: Location.schema, on: "location_id"),
                table: StockMovement.schema)
        }
    }
}

extension StockLevel.DTO: RowDecodable {
    static let table = StockLevel.schema
    static let columns = [
        "id", "part_id", "location_id", "quantity", "reserved", "minimum", "maximum", "reorder_quantity", "version", "created_at",
        "updated_at",
    ]

    init(row: RowReader) throws {
        let quantity = try row.double("quantity")
        let reserved = try row.double("reserved")
        let minimum = try row.double("minimum")
        self.init(
            id: try row.uuid("id"), partId: try row.uuid("part_id"), locationId: try row.uuid("location_id"), quantity: quantity,
            reserved: reserved, available: quantity - reserved, minimum: minimum, maximum: try row.optionalDouble("maximum"),
            reorderQuantity: try row.optionalDouble("reorder_quantity"), low: StockArithmetic.isLow(quantity: quantity, minimum: minimum),
            version: try row.int("version"), createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

extension StockMovement.DTO: RowDecodable {
    static let table = StockMovement.schema
    static let columns = [
        "id", "part_id", "location_id", "kind", "quantity", "balance_after", "unit_cost", "work_order_id", "purchase_order_id", "user_id",
        "reason", "created_at",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), partId: try row.uuid("part_id"), locationId: try row.uuid("location_id"), kind: try row.enum("kind"),
            quantity: try row.double("quantity"), balanceAfter: try row.double("balance_after"),
            unitCost: try row.optionalDouble("unit_cost"),
            workOrderId: try row.optionalUUID("work_order_id"), purchaseOrderId: try row.optionalUUID("purchase_order_id"),
            userId: try row.optionalUUID("user_id"), reason: try row.string("reason"), createdAt: try row.optionalDate("created_at"))
    }
}

extension Alerts {
    static let sorts: [SortColumn] = [.createdAt]

    /// One page of the alerts at the sites the principal reaches (one limited to some sites sees none of no site);
    /// `status` narrows them.
    static func list(status: Alert.Status? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws
        -> (items: [Alert.DTO], nextCursor: String?)
    {
        try await principal.page(Alert.DTO.self, requiring: .partsRead, siteColumn: "site_id", parameters, sorts: sorts, on: db) {
            if let status { $0.where(Alert.schema, "status", is: status.rawValue) }
        }
    }
}

extension Alert.DTO: RowDecodable {
    static let table = Alert.schema
    static let columns = ["id", "kind", "status", "entity_id", "site_id", "message", "resolved_at", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), kind: try row.enum("kind"), status: try row.enum("status"), entityId: try row.uuid("entity_id"),
            siteId: try row.optionalUUID("site_id"), message: try row.string("message"), resolvedAt: try row.optionalDate("resolved_at"),
            createdAt: try row.optionalDate("created_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let stockLevel = ReferenceKind("a stock level of this organization", table: StockLevel.schema)
}
