import Fluent
import Foundation
import SQLKit

extension Requests {
    static let sorts: [SortColumn] = [.createdAt]

    /// One page of the requests the principal sees — all of their sites' for those who manage requests, otherwise
    /// their own — `status`'s and `assetID`'s only when given, decoded straight from the rows.
    static func list(
        status: MaintenanceRequest.Status? = nil, assetID: UUID? = nil, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [MaintenanceRequest.DTO], nextCursor: String?) {
        try requireAccess(principal)
        let table = MaintenanceRequest.schema
        let select = try principal.select(MaintenanceRequest.DTO.self, siteColumn: "site_id", on: db)
        if !principal.can(.requestsManage) { select.where(table, "requester_user_id", is: principal.userID) }
        if let status { select.where(table, "status", is: status.rawValue) }
        if let assetID { select.where(table, "asset_id", is: assetID) }
        return try await select.page(parameters, sorts: sorts, as: MaintenanceRequest.DTO.self)
    }
}

extension MaintenanceRequest.DTO: RowDecodable {
    static let table = MaintenanceRequest.schema
    static let columns = [
        "id", "site_id", "asset_id", "title", "description", "status", "requester_user_id", "contact_name", "contact_email",
        "decline_reason", "work_order_id", "version", "created_at", "updated_at",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), siteId: try row.uuid("site_id"), assetId: try row.optionalUUID("asset_id"),
            title: try row.string("title"),
            description: try row.optionalString("description"), status: try row.enum("status"),
            requesterUserId: try row.optionalUUID("requester_user_id"), contactName: try row.optionalString("contact_name"),
            contactEmail: try row.optionalString("contact_email"), declineReason: try row.optionalString("decline_reason"),
            workOrderId: try row.optionalUUID("work_order_id"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}
