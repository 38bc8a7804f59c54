import Fluent
import Foundation
import SQLKit
import Vapor

/// Which assets a list shows: `siteId`, `locationId`, `parentId`, `root=true` (no parent), `kind`, `status`, `q`
/// (a part of the name or tag), read and checked once.
struct AssetFilter: Sendable {
    var siteID: UUID?
    var locationID: UUID?
    var parentID: UUID?
    var rootOnly = false
    var kind: Asset.Kind?
    var status: Asset.Status?
    var text: String?

    init() {}

    init(_ request: Request) throws {
        siteID = try request.queryUUID("siteId")
        locationID = try request.queryUUID("locationId")
        parentID = try request.queryUUID("parentId")
        rootOnly = request.queryParameter("root") == "true"
        kind = try request.queryEnum("kind", Asset.Kind.self)
        status = try request.queryEnum("status", Asset.Status.self)
        if let text = request.queryParameter("q"), !text.isEmpty { self.text = text }
    }

    func apply(to select: SQLSelectBuilder) {
        func column(_ name: String) -> PlainColumn { PlainColumn(name, table: Asset.schema) }
        if let siteID { select.where(column("site_id"), .equal, SQLBind(siteID)) }
        if let locationID { select.where(column("location_id"), .equal, SQLBind(locationID)) }
        if let parentID { select.where(column("parent_id"), .equal, SQLBind(parentID)) }
        if rootOnly { select.where(column("parent_id"), .is, SQLLiteral.null) }
        if let kind { select.where(column("kind"), .equal, SQLBind(kind.rawValue)) }
        if let status { select.where(column("status"), .equal, SQLBind(status.rawValue)) }
        if let text {
            let pattern = SQLBind("%" + text + "%")
            select.where { $0.where(column("name"), .like, pattern).orWhere(column("tag"), .like, pattern) }
        }
    }
}

enum Assets {
    /// The sorts an asset list offers (`?sort=`), and the columns behind them.
    static let sorts = [
        SortColumn("tag", "tag", .string), SortColumn("name", "name", .string), SortColumn("criticality", "criticality", .int),
        .createdAt,
    ]

    /// One page of the assets `principal` may see that match `filter`, decoded straight from the rows.
    static func list(
        _ filter: AssetFilter, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [Asset.DTO], nextCursor: String?) {
        try await principal.page(
            Asset.DTO.self, requiring: .assetsRead, siteColumn: "site_id", parameters, sorts: sorts, on: db, where: filter.apply(to:))
    }

    /// The asset `id`, if it is at a site the principal reaches; otherwise 404.
    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> Asset.DTO {
        try principal.require(.assetsRead)
        guard let asset = try await principal.row(Asset.DTO.self, id, siteColumn: "site_id", on: db) else {
            throw AppError.notFound("No such asset.")
        }
        return asset
    }
}

extension Asset.DTO: RowDecodable {
    static let table = Asset.schema
    static let columns = [
        "id", "site_id", "location_id", "parent_id", "tag", "name", "kind", "manufacturer", "model", "serial_number", "criticality",
        "status", "install_date", "warranty_end", "purchase_cost", "description", "custom_fields", "version", "created_at", "updated_at",
    ]

    init(row: RowReader) throws {
        let status = try row.enum("status", as: Asset.Status.self)
        var fields: [String: JSONValue]?
        if case .object(let object)? = JSONValue.parse(try row.optionalString("custom_fields")) { fields = object }
        self.init(
            id: try row.uuid("id"), siteId: try row.uuid("site_id"), locationId: try row.optionalUUID("location_id"),
            parentId: try row.optionalUUID("parent_id"), tag: try row.string("tag"), name: try row.string("name"),
            kind: try row.enum("kind"),
            manufacturer: try row.optionalString("manufacturer"), model: try row.optionalString("model"),
            serialNumber: try row.optionalString("serial_number"), criticality: try row.int("criticality"), status: status,
            isUp: status.isUp, installDate: try row.optionalString("install_date"), warrantyEnd: try row.optionalString("warranty_end"),
            purchaseCost: try row.optionalDouble("purchase_cost"), description: try row.optionalString("description"),
            customFields: fields, version: try row.int("version"), createdAt: try row.optionalDate("created_at"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let asset = ReferenceKind("an asset of this organization that you can reach", table: Asset.schema, siteColumn: "site_id")
}
