import Fluent
import Maintenance
import Vapor

/// Recording work on a work order — time, comments, costs, downtime, checklist results, parts — as operations the
/// API's routes and the work order's page both call. Each finds the work order (or answers 404) before it reads
/// the body, so another tenant learns nothing from a field error; `body` is read only then.
extension WorkOrders {
    /// Adds an entry built by `build` under the work order `id` and audits it, in one transaction. People who work
    /// orders must be assigned unless `assignedOnly` is false; managers always may.
    static func addEntry<M: TenantModel, DTO: Content>(
        to id: UUID, action: String, entityType: String, assignedOnly: Bool = true, principal: Principal, through request: Request,
        dto: @escaping @Sendable (M) -> DTO, build: @escaping @Sendable (WorkOrder, any Database) async throws -> M
    ) async throws -> DTO {
        let context = try request.auditContext(principal)
        _ = try await workable(id, principal: principal, on: request.db, assignedOnly: assignedOnly)
        return try await request.write { db -> DTO in
            let workOrder = try await workable(id, principal: principal, on: db, assignedOnly: assignedOnly)
            let entry = try await build(workOrder, db)
            entry.organizationID = principal.organizationID
            try await entry.create(on: db)
            try await AuditLog.record(
                action, entityType: entityType, entityID: entry.id, after: dto(entry), organizationID: principal.organizationID,
                context: context, on: db)
            return dto(entry)
        }
    }

    /// Logs time on the work order: `minutes`, `hourlyRate`, `note`, `performedAt`, `userId` (someone else's time
    /// is for managers).
    static func logLabor(
        on id: UUID, from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> LaborEntry.DTO {
        _ = try await readable(id, principal: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["minutes", "hourlyRate", "note", "performedAt", "userId"])
        let minutes = body.int("minutes", required: true, range: 1...(24 * 60))
        let rate = body.double("hourlyRate", range: 0...100_000) ?? 0
        let note = body.string("note", maxLength: 2000)
        let performedAt = body.date("performedAt") ?? Date()
        let userID = body.reference("userId", .member) ?? principal.userID
        if userID == nil { body.add("userId", "is required when an API key logs time") }
        if let other = userID, other != principal.userID, !principal.can(.workOrdersManage) {
            body.add("userId", "only managers may log time for someone else")
        }
        try await body.validate(for: principal, on: request.db)
        guard let minutes, let userID else { throw AppError.validation(body.problems) }
        return try await addEntry(
            to: id, action: "labor.logged", entityType: "labor_entry", principal: principal, through: request, dto: { $0.dto }
        ) { workOrder, db in
            guard let membership = try await principal.query(Membership.self, on: db).filter(\.$user.$id == userID).first() else {
                throw AppError.invalid("userId", "is not a member of this organization")
            }
            guard membership.siteIDs.map({ $0.contains(workOrder.siteID) }) ?? true else {
                throw AppError.invalid("userId", "cannot reach this work order's site")
            }
            let entry = LaborEntry()
            entry.workOrderID = try workOrder.requireID()
            entry.userID = userID
            entry.minutes = minutes
            entry.hourlyRate = rate
            // Rounded to cents when logged, so totals add up the same way everywhere.
            entry.cost = (Double(minutes) / 60 * rate * 100).rounded() / 100
            entry.note = note
            entry.performedAt = performedAt
            return entry
        }
    }

    /// Adds a comment (`body`). Anyone who works orders may comment on one, assigned or not: questions come from
    /// everywhere.
    static func addComment(
        on id: UUID, from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> Comment.DTO {
        _ = try await readable(id, principal: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["body"])
        let text = body.string("body", required: true, maxLength: 10_000)
        try body.validate()
        guard let text else { throw AppError.validation(body.problems) }
        return try await addEntry(
            to: id, action: "comment.added", entityType: "comment", assignedOnly: false, principal: principal, through: request,
            dto: { $0.dto }
        ) { workOrder, _ in
            let comment = Comment()
            comment.workOrderID = try workOrder.requireID()
            comment.authorUserID = principal.userID
            comment.body = text
            return comment
        }
    }

    /// Attaches a photo or file (`upload` is read once the work order is found). Photos come from anyone who works
    /// orders, assigned or not.
    static func attach(
        on id: UUID, upload: () throws -> (filename: String, contentType: String, bytes: [UInt8]), principal: Principal,
        through request: Request
    ) async throws -> Attachment.DTO {
        _ = try await readable(id, principal: principal, on: request.db)
        return try await AttachmentStore.add(try upload(), principal: principal, through: request) { db, attachment in
            attachment.workOrderID = try await workable(id, principal: principal, on: db, assignedOnly: false).requireID()
        }
    }

    /// A parts form's `stockLevelId` and `quantity`, checked against the organization.
    static func partInput(_ body: inout JSONBody, principal: Principal, on db: any Database) async throws -> (
        levelID: UUID, quantity: Double
    ) {
        body.rejectUnknown(allowed: ["stockLevelId", "quantity"])
        let levelID = body.reference("stockLevelId", .stockLevel, required: true)
        let quantity = body.double("quantity", required: true, range: 0.000_001...1e9)
        try await body.validate(for: principal, on: db)
        guard let levelID, let quantity else { throw AppError.validation(body.problems) }
        return (levelID, quantity)
    }

    /// Takes parts from stock for the work order: its own reservation on that stock is used first; beyond it,
    /// only what is not reserved for other orders may be taken.
    static func issuePart(
        on id: UUID, from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> StockMovement.DTO {
        _ = try await readable(id, principal: principal, on: request.db)
        var body = try body()
        let (levelID, quantity) = try await partInput(&body, principal: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.perform { db -> Outcome<StockMovement.DTO> in
            let workOrder = try await workable(id, principal: principal, on: db)
            let workOrderID = try workOrder.requireID()
            try await db.lockForUpdate(StockLevel.schema, id: levelID)
            let level = try await stockLevel(levelID, principal: principal, on: db)
            let reservations = try await Reservation.query(on: db).filter(\.$stockLevelID == levelID).filter(\.$workOrderID == workOrderID)
                .all()
            let ownReserved = reservations.reduce(0) { $0 + $1.quantity }
            let fromReserved = min(ownReserved, quantity)
            let allowNegative = try await Organization.find(principal.organizationID, on: db)?.allowNegativeStock ?? false
            if !allowNegative, quantity - fromReserved > level.available + 1e-9 {
                throw AppError.conflict(
                    "Only \(max(0, level.available).formatted()) available here (\(level.reserved.formatted()) reserved for other work); \(quantity.formatted()) cannot be issued."
                )
            }
            try await consume(fromReserved, of: reservations, on: db)
            let unitCost = try await Part.find(level.partID, on: db)?.unitCost
            let outcome = try await Stock.apply(
                .init(
                    kind: .issue, quantity: -quantity, reason: "Issued to \(WorkOrder.displayNumber(workOrder.number))", unitCost: unitCost,
                    workOrderID: workOrderID, fromReserved: fromReserved),
                to: levelID, principal: principal, context: context, on: db)
            let events =
                outcome.becameLow ? [DomainEvent(.stockLow, organizationID: principal.organizationID, entityID: levelID)] : []
            return Outcome(outcome.movement.dto, events: events)
        }
    }

    /// The stock level `id`, if the principal reaches its location; otherwise a field error on `stockLevelId`.
    static func stockLevel(_ id: UUID, principal: Principal, on db: any Database) async throws -> StockLevel {
        do {
            return try await Stock.reachableLevel(id, principal: principal, on: db)
        } catch AppError.notFound {
            throw AppError.invalid("stockLevelId", "is not a stock level you can reach")
        }
    }

    /// Uses up `quantity` of the given reservations, oldest first (the stock level's `reserved` is lowered by
    /// the caller's movement).
    static func consume(_ quantity: Double, of reservations: [Reservation], on db: any Database) async throws {
        var left = quantity
        for reservation in reservations.sorted(by: { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }) where left > 1e-9 {
            let used = min(left, reservation.quantity)
            left -= used
            if reservation.quantity - used < 1e-9 {
                try await reservation.delete(on: db)
            } else {
                reservation.quantity -= used
                try await reservation.update(on: db)
            }
        }
    }
}
