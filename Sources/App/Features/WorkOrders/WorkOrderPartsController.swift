import Fluent
import Vapor

/// `/work-orders/{id}/parts` and `/reservations`: parts used on a work order, taken from stock in the same
/// transaction, and parts held for it.
struct WorkOrderPartsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let order = routes.grouped("work-orders", ":workOrderID")
        order.get("parts", use: Self.list)
        order.post("parts", use: Self.issue)
        order.post("parts", "return", use: Self.giveBack)
        order.get("reservations", use: Self.listReservations)
        order.post("reservations", use: Self.reserve)
        order.delete("reservations", ":reservationID", use: Self.release)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(
            request, StockMovement.DTO.self, sorts: Stock.movementSorts, defaultSort: "createdAt", filename: "parts-used")
    }

    static func input(_ request: Request) async throws -> (levelID: UUID, quantity: Double) {
        var body = try JSONBody(request)
        return try await WorkOrders.partInput(&body, principal: request.principal, on: request.db)
    }

    @Sendable static func issue(_ request: Request) async throws -> Response {
        let movement = try await WorkOrders.issuePart(
            on: request.pathID("workOrderID"), from: { try JSONBody(request) }, principal: request.principal, through: request)
        return try await movement.encodeResponse(status: .created, for: request)
    }

    /// Puts unused parts back; never more than the work order took from that stock.
    @Sendable static func giveBack(_ request: Request) async throws -> Response {
        let principal = try request.principal
        _ = try await WorkOrders.readable(request)
        let (levelID, quantity) = try await input(request)
        let context = try request.auditContext
        let movement = try await request.write { db -> StockMovement.DTO in
            let workOrder = try await WorkOrders.workable(request, on: db)
            let workOrderID = try workOrder.requireID()
            _ = try await WorkOrders.stockLevel(levelID, principal: principal, on: db)
            let taken = try await StockMovement.query(on: db).filter(\.$workOrderID == workOrderID).filter(\.$kind ~~ [.issue, .return])
                .all()
            guard let level = try await StockLevel.find(levelID, on: db) else { throw AppError.notFound("No such stock level.") }
            let net = -taken.filter { $0.partID == level.partID && $0.locationID == level.locationID }.reduce(0) { $0 + $1.quantity }
            guard quantity <= net + 1e-9 else {
                throw AppError.invalid("quantity", "is more than this work order took from this stock (\(net.formatted()))")
            }
            let unitCost = try await Part.find(level.partID, on: db)?.unitCost
            return try await Stock.apply(
                .init(
                    kind: .return, quantity: quantity, reason: "Returned from \(WorkOrder.displayNumber(workOrder.number))",
                    unitCost: unitCost,
                    workOrderID: workOrderID),
                to: levelID, principal: principal, context: context, on: db
            ).movement.dto
        }
        return try await movement.encodeResponse(status: .created, for: request)
    }

    @Sendable static func listReservations(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(
            request, Reservation.DTO.self, sorts: Reservation.sorts, defaultSort: "createdAt", filename: "reservations")
    }

    @Sendable static func reserve(_ request: Request) async throws -> Response {
        let principal = try request.principal
        _ = try await WorkOrders.readable(request)
        let (levelID, quantity) = try await input(request)
        let context = try request.auditContext
        let reservation = try await request.write { db -> Reservation.DTO in
            let workOrder = try await WorkOrders.workable(request, on: db)
            guard !workOrder.status.isFinal else { throw AppError.conflict("A \(workOrder.status.rawValue) work order reserves nothing.") }
            try await db.lockForUpdate(StockLevel.schema, id: levelID)
            let level = try await WorkOrders.stockLevel(levelID, principal: principal, on: db)
            guard quantity <= level.available + 1e-9 else {
                throw AppError.conflict("Only \(max(0, level.available).formatted()) available to reserve here.")
            }
            level.reserved += quantity
            level.version += 1
            try await level.update(on: db)
            let reservation = Reservation()
            reservation.organizationID = principal.organizationID
            reservation.stockLevelID = levelID
            reservation.workOrderID = try workOrder.requireID()
            reservation.quantity = quantity
            try await reservation.create(on: db)
            try await AuditLog.record(
                "reservation.created", entityType: "reservation", entityID: reservation.id, after: reservation.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return reservation.dto
        }
        return try await reservation.encodeResponse(status: .created, for: request)
    }

    @Sendable static func release(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        _ = try await WorkOrders.readable(request)
        let reservationID = try request.pathID("reservationID")
        let context = try request.auditContext
        try await request.write { db in
            let workOrder = try await WorkOrders.workable(request, on: db)
            let reservation = try await principal.find(Reservation.self, reservationID, on: db)
            guard reservation.workOrderID == workOrder.id else { throw AppError.notFound("No such reservation.") }
            try await Stock.releaseAll([reservation], on: db)
            try await AuditLog.record(
                "reservation.released", entityType: "reservation", entityID: reservationID, before: reservation.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
        return .noContent
    }
}
