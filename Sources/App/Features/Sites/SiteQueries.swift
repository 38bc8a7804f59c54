import Fluent
import Foundation
import SQLKit
import Vapor

extension Sites {
    /// The sorts a site list offers (`?sort=`), and the columns behind them.
    static let sorts = [SortColumn("name", "name", .string), .createdAt]

    /// One page of the sites the principal reaches, `clientID`'s only when given, their name holding `name` when
    /// given, decoded straight from the rows: the API's list and the sites page's.
    static func list(
        clientID: UUID? = nil, name: String? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [Site.DTO], nextCursor: String?) {
        // A member limited to some sites reaches those sites themselves: the scope is on the id.
        try await principal.page(Site.DTO.self, requiring: .sitesRead, siteColumn: "id", parameters, sorts: sorts, on: db) { select in
            if let clientID { select.where(Site.schema, "client_id", is: clientID) }
            if let name, !name.isEmpty { select.where(PlainColumn("name", table: Site.schema), .like, SQLBind("%" + name + "%")) }
        }
    }
}

extension Site.DTO: RowDecodable {
    static let table = Site.schema
    static let columns = ["id", "client_id", "name", "address", "time_zone", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), clientId: try row.optionalUUID("client_id"), name: try row.string("name"),
            address: try row.optionalString("address"), timeZone: try row.string("time_zone"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}
