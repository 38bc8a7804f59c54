import Fluent
import Foundation
import Maintenance
import Vapor

/// Request look-ups shared by the API, the pages and attachments.
enum Requests {
    /// The request, if the principal manages requests (within their sites) or submitted it.
    static func visible(_ id: UUID, principal: Principal, on db: any Database) async throws -> MaintenanceRequest {
        let found = try await principal.findInSite(MaintenanceRequest.self, id, on: db)
        if principal.can(.requestsManage) { return found }
        guard principal.can(.requestsCreate), let userID = principal.userID, found.requesterUserID == userID else {
            throw AppError.notFound("No such request.")
        }
        return found
    }
}
