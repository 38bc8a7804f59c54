import Fluent
import Maintenance
import Vapor

/// `/requests`: the request portal. Requesters submit and follow their requests; managers approve them into
/// work orders (which keep the text and photos) or decline them with a reason.
struct RequestController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let requests = routes.grouped("requests")
        requests.get(use: Self.list)
        requests.post(use: Self.create)
        requests.get(":requestID", use: Self.show)
        requests.post(":requestID", "approve", use: Self.approve)
        requests.post(":requestID", "decline", use: Self.decline)
        requests.post(":requestID", "cancel", use: Self.cancel)
    }

    static let sortFields: [SortField<MaintenanceRequest>] = [
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) }
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        guard principal.can(.requestsManage) || principal.can(.requestsCreate) else {
            throw AppError.forbidden("This requires the permission requests:create.")
        }
        let query = principal.siteQuery(MaintenanceRequest.self, on: request.db)
        if !principal.can(.requestsManage) { query.filter(\.$requesterUserID == principal.userID) }
        if let status = try request.queryEnum("status", MaintenanceRequest.Status.self) { query.filter(\.$status == status) }
        if let assetID = try request.queryUUID("assetId") { query.filter(\.$assetID == assetID) }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "-createdAt", filename: "requests") {
            $0.dto
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Resources.show(
            try await Requests.visible(request.pathID("requestID"), principal: principal, on: request.db), for: request)
    }

    struct Input: Sendable {
        var title: String
        var description: String?
        var assetID: UUID?
        var siteID: UUID?
        var contactName: String?
        var contactEmail: String?

        init(_ request: Request, isPublic: Bool) async throws {
            var body = try JSONBody(request)
            self.init(reading: &body, isPublic: isPublic)
            if isPublic { try body.validate() } else { try await body.validate(for: request.principal, on: request.db) }
        }

        /// A request typed into the public form (which names no ids).
        init(body: inout JSONBody, isPublic: Bool) throws {
            self.init(reading: &body, isPublic: isPublic)
            try body.validate()
        }

        private init(reading body: inout JSONBody, isPublic: Bool) {
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

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.requestsCreate)
        let input = try await Input(request, isPublic: false)
        let published = { (dto: MaintenanceRequest.DTO, id: UUID) in
            DomainEvent(.requestCreated, organizationID: principal.organizationID, entityID: id, data: ["siteId": dto.siteId.uuidString])
        }
        return try await Resources.create(request, path: "requests", published: published) { db in
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
    @Sendable static func approve(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.requestsManage)
        let id = try request.pathID("requestID")
        _ = try await Requests.visible(id, principal: principal, on: request.db)
        var body = try JSONBody.optional(request)
        body.rejectUnknown(allowed: ["priority", "type", "assigneeIds", "teamId", "dueAt"])
        let priority = body.enumValue("priority", WorkOrderPriority.self)
        let type = body.enumValue("type", WorkOrderType.self)
        let assignees = body.references("assigneeIds", .member, maxCount: 50)
        let teamID = body.reference("teamId", .team)
        let dueAt = body.date("dueAt")
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext
        let dto = try await request.perform { db -> Outcome<MaintenanceRequest.DTO> in
            try await db.lockForUpdate(MaintenanceRequest.schema, id: id)
            let maintenanceRequest = try await Requests.visible(id, principal: principal, on: db)
            try ETag.check(request, currentVersion: maintenanceRequest.version)
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
        return try await dto.response(version: dto.version, for: request)
    }

    @Sendable static func decline(_ request: Request) async throws -> Response {
        try await close(request, to: .declined)
    }

    @Sendable static func cancel(_ request: Request) async throws -> Response {
        try await close(request, to: .cancelled)
    }

    /// Declining (managers, with a reason) or cancelling (the requester, or managers) a pending request.
    static func close(_ request: Request, to status: MaintenanceRequest.Status) async throws -> Response {
        let principal = try request.principal
        if status == .declined { try principal.require(.requestsManage) }
        let id = try request.pathID("requestID")
        _ = try await Requests.visible(id, principal: principal, on: request.db)
        var body = try JSONBody.optional(request)
        body.rejectUnknown(allowed: ["reason"])
        let reason = body.string("reason", required: status == .declined, maxLength: 2000)
        try body.validate()
        let context = try request.auditContext
        let dto = try await request.write { db -> MaintenanceRequest.DTO in
            try await db.lockForUpdate(MaintenanceRequest.schema, id: id)
            let maintenanceRequest = try await Requests.visible(id, principal: principal, on: db)
            try ETag.check(request, currentVersion: maintenanceRequest.version)
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
        return try await dto.response(version: dto.version, for: request)
    }
}
