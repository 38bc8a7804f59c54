import Fluent
import Foundation
import SQLKit
import Vapor

/// Which parts a list shows: `q` (a part of the name or number), `barcode`, `critical=true`.
struct PartFilter: Sendable {
    var text: String?
    var barcode: String?
    var criticalOnly = false

    init() {}

    init(_ request: Request) {
        if let text = request.queryParameter("q"), !text.isEmpty { self.text = text }
        barcode = request.queryParameter("barcode")
        criticalOnly = request.queryParameter("critical") == "true"
    }

    func apply(to select: SQLSelectBuilder) {
        func column(_ name: String) -> PlainColumn { PlainColumn(name, table: Part.schema) }
        if let text {
            let pattern = SQLBind("%" + text + "%")
            select.where { $0.where(column("name"), .like, pattern).orWhere(column("number"), .like, pattern) }
        }
        if let barcode { select.where(column("barcode"), .equal, SQLBind(barcode)) }
        if criticalOnly { select.where(column("critical"), .equal, SQLBind(true)) }
    }
}

extension Parts {
    /// The sorts a parts list offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("number", "number", .string), SortColumn("name", "name", .string)]

    /// One page of the organization's parts that match `filter`, decoded straight from the rows: the API's list and
    /// the parts page's.
    static func list(
        _ filter: PartFilter, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [Part.DTO], nextCursor: String?) {
        try await principal.page(Part.DTO.self, requiring: .partsRead, parameters, sorts: sorts, on: db, where: filter.apply(to:))
    }
}

extension Part.DTO: RowDecodable {
    static let table = Part.schema
    static let columns = [
        "id", "number", "name", "description", "unit", "unit_cost", "barcode", "critical", "preferred_vendor_id", "version", "created_at",
        "updated_at",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), number: try row.string("number"), name: try row.string("name"),
            description: try row.optionalString("description"), unit: try row.string("unit"), unitCost: try row.double("unit_cost"),
            barcode: try row.optionalString("barcode"), critical: try row.bool("critical"),
            preferredVendorId: try row.optionalUUID("preferred_vendor_id"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let vendor = ReferenceKind("a vendor of this organization", table: Vendor.schema)
    static let part = ReferenceKind("a part of this organization", table: Part.schema)
}
