import Fluent
import Foundation
import SQLKit
import Vapor

extension PurchaseOrders {
    /// The sorts a purchase-order list offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("number", "number", .int), .createdAt]

    /// One page of the orders delivered to the sites the principal reaches (an order of no site only for those who
    /// reach every site), `status`'s and `vendorID`'s only when given, decoded straight from the rows: the API's
    /// list and the purchase orders page's.
    static func list(
        status: PurchaseOrder.Status? = nil, vendorID: UUID? = nil, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [PurchaseOrder.DTO], nextCursor: String?) {
        try await principal.page(
            PurchaseOrder.DTO.self, requiring: .purchaseOrdersRead, siteColumn: "site_id", parameters, sorts: sorts, on: db
        ) { select in
            if let status { select.where(PurchaseOrder.schema, "status", is: status.rawValue) }
            if let vendorID { select.where(PurchaseOrder.schema, "vendor_id", is: vendorID) }
        }
    }
}

extension PurchaseOrder.DTO: RowDecodable {
    static let table = PurchaseOrder.schema
    static let columns = ["id", "number", "vendor_id", "site_id", "status", "notes", "automatic", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), number: PurchaseOrder.displayNumber(try row.int("number")), vendorId: try row.uuid("vendor_id"),
            siteId: try row.optionalUUID("site_id"), status: try row.enum("status"), notes: try row.optionalString("notes"),
            automatic: try row.bool("automatic"), version: try row.int("version"), createdAt: try row.optionalDate("created_at"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let purchaseOrderLine = ReferenceKind("a line of this organization's purchase orders", table: PurchaseOrderLine.schema)
}
