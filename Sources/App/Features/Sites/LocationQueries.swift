import Fluent
import Foundation
import SQLKit
import Vapor

/// Reading locations for the API's `/locations` list.
enum Locations {
    /// The sorts a location list offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("name", "name", .string), .createdAt]

    /// One page of the locations at the sites the principal reaches, `siteID`'s or `parentID`'s only when given,
    /// only top-level ones with `rootOnly`, decoded straight from the rows.
    static func list(
        siteID: UUID? = nil, parentID: UUID? = nil, rootOnly: Bool = false, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [Location.DTO], nextCursor: String?) {
        let table = Location.schema
        return try await principal.page(Location.DTO.self, requiring: .sitesRead, siteColumn: "site_id", parameters, sorts: sorts, on: db) {
            select in
            if let siteID { select.where(table, "site_id", is: siteID) }
            if let parentID { select.where(table, "parent_id", is: parentID) }
            if rootOnly { select.where(table, "parent_id", isNull: true) }
        }
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
