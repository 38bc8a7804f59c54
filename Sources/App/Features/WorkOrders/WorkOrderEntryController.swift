import Fluent
import Maintenance
import Vapor

/// What a work order records as it is worked: `/work-orders/{id}/labor`, `/costs`, `/comments`, `/downtime`.
struct WorkOrderEntryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let order = routes.grouped("work-orders", ":workOrderID")
        order.get("labor", use: Self.listLabor)
        order.post("labor", use: Self.logLabor)
        order.delete("labor", ":laborEntryID", use: Self.deleteLabor)
        order.get("costs", use: Self.listCosts)
        order.post("costs", use: Self.addCost)
        order.delete("costs", ":costID", use: Self.deleteCost)
        order.get("comments", use: Self.listComments)
        order.post("comments", use: Self.addComment)
        order.get("downtime", use: Self.listDowntime)
        order.post("downtime", use: Self.startDowntime)
        order.patch("downtime", ":downtimeID", use: Self.updateDowntime)
    }

    /// Removes an entry of the work order and audits it.
    static func remove<M: TenantModel, DTO: Content>(
        _ request: Request, _ type: M.Type, parameter: String, action: String, entityType: String, dto: @escaping @Sendable (M) -> DTO,
        belongs: @escaping @Sendable (M, UUID) -> Bool
    ) async throws -> HTTPStatus {
        let principal = try request.principal
        let context = try request.auditContext
        let entryID = try request.pathID(parameter)
        try await request.write { db in
            let workOrder = try await WorkOrders.workable(request, on: db)
            let entry = try await principal.find(M.self, entryID, on: db)
            guard belongs(entry, try workOrder.requireID()) else {
                throw AppError.notFound("No such \(entityType.replacingOccurrences(of: "_", with: " ")).")
            }
            try await entry.delete(on: db)
            try await AuditLog.record(
                action, entityType: entityType, entityID: entryID, before: dto(entry), organizationID: principal.organizationID,
                context: context, on: db)
        }
        return .noContent
    }

    @Sendable static func listLabor(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(
            request, LaborEntry.DTO.self, sorts: LaborEntry.sorts, defaultSort: "performedAt", filename: "labor")
    }

    @Sendable static func logLabor(_ request: Request) async throws -> Response {
        let entry = try await WorkOrders.logLabor(
            on: request.pathID("workOrderID"), from: { try JSONBody(request) }, principal: request.principal, through: request)
        return try await entry.encodeResponse(status: .created, for: request)
    }

    @Sendable static func deleteLabor(_ request: Request) async throws -> HTTPStatus {
        try await remove(
            request, LaborEntry.self, parameter: "laborEntryID", action: "labor.deleted", entityType: "labor_entry", dto: { $0.dto }
        ) {
            $0.workOrderID == $1
        }
    }

    @Sendable static func listCosts(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(
            request, WorkOrderCost.DTO.self, sorts: WorkOrderCost.sorts, defaultSort: "createdAt", filename: "costs")
    }

    @Sendable static func addCost(_ request: Request) async throws -> Response {
        let principal = try request.principal
        // The work order is found (or 404) before the body is judged: another tenant learns nothing.
        _ = try await WorkOrders.readable(request)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["description", "amount"])
        let description = body.string("description", required: true, maxLength: 500)
        let amount = body.double("amount", required: true, range: -1e9...1e9)
        try body.validate()
        guard let description, let amount else { throw AppError.validation(body.problems) }
        let cost = try await WorkOrders.addEntry(
            to: request.pathID("workOrderID"), action: "cost.added", entityType: "work_order_cost", principal: principal, through: request,
            dto: { $0.dto }
        ) { workOrder, _ in
            let cost = WorkOrderCost()
            cost.workOrderID = try workOrder.requireID()
            cost.details = description
            cost.amount = amount
            cost.createdByUserID = principal.userID
            return cost
        }
        return try await cost.encodeResponse(status: .created, for: request)
    }

    @Sendable static func deleteCost(_ request: Request) async throws -> HTTPStatus {
        try await remove(
            request, WorkOrderCost.self, parameter: "costID", action: "cost.deleted", entityType: "work_order_cost", dto: { $0.dto }
        ) {
            $0.workOrderID == $1
        }
    }

    @Sendable static func listComments(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(request, Comment.DTO.self, sorts: Comment.sorts, defaultSort: "createdAt", filename: "comments")
    }

    @Sendable static func addComment(_ request: Request) async throws -> Response {
        let comment = try await WorkOrders.addComment(
            on: request.pathID("workOrderID"), from: { try JSONBody(request) }, principal: request.principal, through: request)
        return try await comment.encodeResponse(status: .created, for: request)
    }

    @Sendable static func listDowntime(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(request, Downtime.DTO.self, sorts: Downtime.sorts, defaultSort: "startedAt", filename: "downtime")
    }

    @Sendable static func startDowntime(_ request: Request) async throws -> Response {
        let principal = try request.principal
        // The work order is found (or 404) before the body is judged: another tenant learns nothing.
        _ = try await WorkOrders.readable(request)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["assetId", "startedAt", "endedAt", "reason"])
        let assetID = body.reference("assetId", .asset)
        let startedAt = body.date("startedAt") ?? Date()
        let endedAt = body.date("endedAt")
        let reason = body.string("reason", maxLength: 1000)
        if let endedAt, endedAt < startedAt { body.add("endedAt", "is before startedAt") }
        // Downtime is what happened: a minute of clock difference is allowed, not a span that starts later.
        let soon = Date().addingTimeInterval(60)
        if startedAt > soon { body.add("startedAt", "is in the future") }
        if let endedAt, endedAt > soon { body.add("endedAt", "is in the future") }
        try await body.validate(for: principal, on: request.db)
        let downtime = try await WorkOrders.addEntry(
            to: request.pathID("workOrderID"), action: "downtime.recorded", entityType: "downtime", principal: principal,
            through: request, dto: { $0.dto }
        ) { workOrder, db in
            guard let assetID = assetID ?? workOrder.assetID else {
                throw AppError.invalid("assetId", "is required: this work order has no asset")
            }
            let asset = try await principal.findInSite(Asset.self, assetID, on: db)
            guard asset.siteID == workOrder.siteID else { throw AppError.invalid("assetId", "is at another site than the work order") }
            let downtime = Downtime()
            downtime.workOrderID = try workOrder.requireID()
            downtime.assetID = assetID
            downtime.startedAt = startedAt
            downtime.endedAt = endedAt
            downtime.reason = reason
            if endedAt == nil, asset.status.isUp {
                // An open span means the asset is down now; the asset says so until the span ends.
                asset.status = .down
                asset.version += 1
                try await asset.update(on: db)
            }
            return downtime
        }
        return try await downtime.encodeResponse(status: .created, for: request)
    }

    @Sendable static func updateDowntime(_ request: Request) async throws -> Response {
        let principal = try request.principal
        // The work order is found (or 404) before the body is judged: another tenant learns nothing.
        _ = try await WorkOrders.readable(request)
        let context = try request.auditContext
        let downtimeID = try request.pathID("downtimeID")
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["endedAt", "reason"])
        let endedAt = body.date("endedAt", required: true)
        let reason = body.string("reason", maxLength: 1000)
        try body.validate()
        guard let endedAt else { throw AppError.validation(body.problems) }
        let dto = try await request.write { db -> Downtime.DTO in
            let workOrder = try await WorkOrders.workable(request, on: db)
            let downtime = try await principal.find(Downtime.self, downtimeID, on: db)
            guard downtime.workOrderID == workOrder.id else { throw AppError.notFound("No such downtime.") }
            guard endedAt >= downtime.startedAt else { throw AppError.invalid("endedAt", "is before the downtime started") }
            try await Downtimes.end(downtime, at: endedAt, reason: reason, context: context, on: db)
            return downtime.dto
        }
        return try await dto.encodeResponse(for: request)
    }
}

/// Ending downtime, shared by the downtime route and completing a work order.
enum Downtimes {
    /// Ends the span; the asset is up again when no other span of it is open.
    static func end(_ downtime: Downtime, at endedAt: Date, reason: String? = nil, context: AuditContext, on db: any Database)
        async throws
    {
        let before = downtime.dto
        downtime.endedAt = endedAt
        if let reason { downtime.reason = reason }
        try await downtime.update(on: db)
        let stillOpen = try await Downtime.query(on: db).filter(\.$assetID == downtime.assetID).filter(\.$endedAt == nil).count()
        if stillOpen == 0, let asset = try await Asset.find(downtime.assetID, on: db), asset.status == .down {
            asset.status = .operational
            asset.version += 1
            try await asset.update(on: db)
        }
        try await AuditLog.record(
            "downtime.ended", entityType: "downtime", entityID: downtime.id, before: before, after: downtime.dto,
            organizationID: downtime.organizationID, context: context, on: db)
    }

    /// Completing a work order ends its open spans at the completion: the work that fixed the asset is done.
    static func endOpen(of workOrder: WorkOrder, at endedAt: Date, context: AuditContext, on db: any Database) async throws {
        let open = try await Downtime.query(on: db).filter(\.$workOrderID == (try workOrder.requireID())).filter(\.$endedAt == nil).all()
        for downtime in open { try await end(downtime, at: max(endedAt, downtime.startedAt), context: context, on: db) }
    }
}
