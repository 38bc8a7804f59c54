import Fluent
import Foundation
import Maintenance
import Vapor

/// The request portal's operations, which the API's `/requests` routes and the requests page share: requesters
/// send requests and follow theirs; those who manage requests approve them into work orders (which keep the
/// text and photos) or decline them with a reason. Each finds the request (or answers 404) before it reads the
/// body.
enum Requests {
    /// Those who may send or manage requests; the rest get 403.
    static func requireAccess(_ principal: Principal) throws {
        guard principal.can(.requestsManage) || principal.can(.requestsCreate) else {
            throw AppError.forbidden("This requires the permission requests:create.")
        }
    }

    /// The request, if the principal manages requests (within their sites) or submitted it.
    static func visible(_ id: UUID, principal: Principal, on db: any Database) async throws -> MaintenanceRequest {
        let found = try await principal.findInSite(MaintenanceRequest.self, id, on: db)
        if principal.can(.requestsManage) { return found }
        guard principal.can(.requestsCreate), let userID = principal.userID, found.requesterUserID == userID else {
            throw AppError.notFound("No such request.")
        }
        return found
    }

    /// What a request says, read from a member's body (`title`, `description`, `assetId`, `siteId`) or the public
    /// form's (`title`, `description`, `contactName`, `contactEmail`).
    struct Input: Sendable {
        var title: String
        var description: String?
        var assetID: UUID?
        var siteID: UUID?
        var contactName: String?
        var contactEmail: String?

        init(reading body: inout JSONBody, isPublic: Bool) {
            body.rejectUnknown(
                allowed: isPublic
                    ? ["title", "description", "contactName", "contactEmail"] : ["title", "description", "assetId", "siteId"])
            let title = body.string("title", required: true)
            description = body.string("description", maxLength: 10_000)
            assetID = isPublic ? nil : body.reference("assetId", .asset)
            siteID = isPublic ? nil : body.reference("siteId", .site)
            contactName = isPublic ? body.string("contactName", maxLength: 200) : nil
            contactEmail = isPublic ? body.email("contactEmail") : nil
            if !isPublic, assetID == nil, siteID == nil, !body.problems.contains(where: { $0.field == "siteId" || $0.field == "assetId" }) {
                body.add("siteId", "is required when no assetId is given")
            }
            self.title = title ?? ""
        }
    }

    /// A member's request: at the asset's site when it names an asset, otherwise at the site it names.
    static func create(
        from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: MaintenanceRequest.DTO, id: UUID, version: Int) {
        try principal.require(.requestsCreate)
        var body = try body()
        let input = Input(reading: &body, isPublic: false)
        try await body.validate(for: principal, on: request.db)
        let published: @Sendable (MaintenanceRequest.DTO, UUID) -> DomainEvent = { dto, id in
            DomainEvent(.requestCreated, organizationID: principal.organizationID, entityID: id, data: ["siteId": dto.siteId.uuidString])
        }
        return try await Resources.create(principal: principal, through: request, published: published) { db in
            let maintenanceRequest = MaintenanceRequest()
            if let assetID = input.assetID {
                guard let asset = try? await principal.findInSite(Asset.self, assetID, on: db) else {
                    throw AppError.invalid("assetId", "is not an asset you can reach")
                }
                if let siteID = input.siteID, siteID != asset.siteID {
                    throw AppError.invalid("siteId", "is not the site of the asset (leave it out: the asset says where)")
                }
                maintenanceRequest.assetID = assetID
                maintenanceRequest.siteID = asset.siteID
            } else if let siteID = input.siteID {
                try await principal.requireSite(siteID, field: "siteId", on: db)
                maintenanceRequest.siteID = siteID
            }
            maintenanceRequest.title = input.title
            maintenanceRequest.details = input.description
            maintenanceRequest.status = .pending
            maintenanceRequest.requesterUserID = principal.userID
            return maintenanceRequest
        }
    }

    /// Approving makes a work order from the request — its title, text, asset and photos — and links both ways.
    /// The body may set the order's `priority`, `type`, `assigneeIds`, `teamId` and `dueAt`.
    static func approve(
        _ id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> MaintenanceRequest.DTO {
        try principal.require(.requestsManage)
        _ = try await visible(id, principal: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["priority", "type", "assigneeIds", "teamId", "dueAt"])
        let priority = body.enumValue("priority", WorkOrderPriority.self)
        let type = body.enumValue("type", WorkOrderType.self)
        let assignees = body.references("assigneeIds", .member, maxCount: 50)
        let teamID = body.reference("teamId", .team)
        let dueAt = body.date("dueAt")
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.perform { db -> Outcome<MaintenanceRequest.DTO> in
            try await db.lockForUpdate(MaintenanceRequest.schema, id: id)
            let maintenanceRequest = try await visible(id, principal: principal, on: db)
            try ETag.check(expected: expected, currentVersion: maintenanceRequest.version)
            guard maintenanceRequest.status == .pending else {
                throw AppError.conflict("This request is already \(maintenanceRequest.status.rawValue).")
            }
            var input = WorkOrderInput()
            input.title = maintenanceRequest.title
            input.description = .some(maintenanceRequest.details)
            input.siteID = maintenanceRequest.siteID
            input.assetID = .some(maintenanceRequest.assetID)
            input.type = type ?? .request
            input.priority = priority ?? .medium
            input.assigneeIDs = assignees
            if let teamID { input.teamID = .some(teamID) }
            if let dueAt { input.dueAt = .some(dueAt) }
            let made = try await WorkOrders.create(input: input, source: .request, principal: principal, context: context, on: db) {
                $0.requestedByUserID = maintenanceRequest.requesterUserID
            }
            let workOrder = made.value
            let before = maintenanceRequest.dto
            maintenanceRequest.status = .approved
            maintenanceRequest.workOrderID = workOrder.id
            maintenanceRequest.version += 1
            try await maintenanceRequest.update(on: db)
            try await Attachment.query(on: db).filter(\.$requestID == id).set(\.$workOrderID, to: workOrder.id).update()
            try await AuditLog.record(
                "request.approved", entityType: MaintenanceRequest.entityType, entityID: id, before: before, after: maintenanceRequest.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return Outcome(maintenanceRequest.dto, events: made.events)
        }
    }

    /// Declining (managers, with a `reason`) or cancelling (the requester, or managers) a pending request.
    static func close(
        _ id: UUID, to status: MaintenanceRequest.Status, from body: () throws -> JSONBody, expected: [String], principal: Principal,
        through request: Request
    ) async throws -> MaintenanceRequest.DTO {
        if status == .declined { try principal.require(.requestsManage) }
        _ = try await visible(id, principal: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["reason"])
        let reason = body.string("reason", required: status == .declined, maxLength: 2000)
        try body.validate()
        let context = try request.auditContext(principal)
        return try await request.write { db -> MaintenanceRequest.DTO in
            try await db.lockForUpdate(MaintenanceRequest.schema, id: id)
            let maintenanceRequest = try await visible(id, principal: principal, on: db)
            try ETag.check(expected: expected, currentVersion: maintenanceRequest.version)
            guard maintenanceRequest.status == .pending else {
                throw AppError.conflict("This request is already \(maintenanceRequest.status.rawValue).")
            }
            let before = maintenanceRequest.dto
            maintenanceRequest.status = status
            maintenanceRequest.declineReason = reason
            maintenanceRequest.version += 1
            try await maintenanceRequest.update(on: db)
            try await AuditLog.record(
                "request.\(status == .declined ? "declined" : "cancelled")", entityType: MaintenanceRequest.entityType, entityID: id,
                before: before, after: maintenanceRequest.dto, organizationID: principal.organizationID, context: context, on: db)
            return maintenanceRequest.dto
        }
    }
}
