import Fluent
import Foundation
import SQLKit
import Vapor

/// Reading locations for the API's `/locations` list.
enum Locations {
    /// The sorts a location list offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("name", "name", .string), SortColumn("createdAt", "created_at", .date(missing: .distantPast))]

    /// One page of the locations at the sites the principal reaches, `siteID`'s or `parentID`'s only when given,
    /// only top-level ones with `rootOnly`, decoded straight from the rows.
    static func list(
        siteID: UUID? = nil, parentID: UUID? = nil, rootOnly: Bool = false, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [Location.DTO], nextCursor: String?) {
        try principal.require(.sitesRead)
        let select = principal.scoped(try db.sql.select().from(Location.schema), table: Location.schema)
        func column(_ name: String) -> PlainColumn { PlainColumn(name, table: Location.schema) }
        if let siteID { select.where(column("site_id"), .equal, SQLBind(siteID)) }
        if let parentID { select.where(column("parent_id"), .equal, SQLBind(parentID)) }
        if rootOnly { select.where(column("parent_id"), .is, SQLLiteral.null) }
        return try await select.page(parameters, sorts: sorts, as: Location.DTO.self)
    }
}

extension Location.DTO: RowDecodable {
    static let table = Location.schema
    static let columns = ["id", "site_id", "parent_id", "name", "description", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), siteId: try row.uuid("site_id"), parentId: try row.optionalUUID("parent_id"),
            name: try row.string("name"),
            description: try row.optionalString("description"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}
