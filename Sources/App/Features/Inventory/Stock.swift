import Fluent
import Foundation
import Maintenance
import Vapor

/// The stock rules: every change is a ledger movement, quantities never go below zero unless the organization
/// allows it, and falling below the minimum raises an alert and drafts a purchase order.
enum Stock {
    struct Change: Sendable {
        var kind: StockMovement.Kind
        /// Signed change; for a count, the counted quantity.
        var quantity: Double
        var reason: String
        var unitCost: Double?
        var workOrderID: UUID?
        var purchaseOrderID: UUID?
        /// For an issue against a reservation: how much of the reservation it uses up.
        var fromReserved: Double = 0
    }

    struct Outcome: Sendable {
        var movement: StockMovement
        var level: StockLevel
        /// The level crossed below its minimum with this change.
        var becameLow: Bool
    }

    /// Applies one change to a stock level, locked for the transaction, and writes its movement and audit event.
    static func apply(
        _ change: Change, to levelID: UUID, principal: Principal, context: AuditContext, on db: any Database
    ) async throws -> Outcome {
        try await db.lockForUpdate(StockLevel.schema, id: levelID)
        let level = try await principal.find(StockLevel.self, levelID, on: db)
        guard let organization = try await Organization.find(principal.organizationID, on: db) else {
            throw AppError.notFound("No such organization.")
        }
        let wasLow = level.isLow
        let applied: StockArithmetic.Applied
        switch StockArithmetic.apply(
            change: change.quantity, isCount: change.kind == .count, fromReserved: change.fromReserved, quantity: level.quantity,
            reserved: level.reserved, allowNegative: organization.allowNegativeStock)
        {
        case .success(let result): applied = result
        case .failure(.belowZero(let onHand, let taking)):
            throw AppError.conflict(
                "Only \(onHand.formatted()) in stock here; \(taking.formatted()) cannot be taken (stock may not go below zero).")
        }
        let delta = applied.delta
        let before = level.dto
        level.quantity = applied.quantity
        level.reserved = applied.reserved
        level.version += 1
        try await level.update(on: db)
        let movement = StockMovement()
        movement.organizationID = principal.organizationID
        movement.partID = level.partID
        movement.locationID = level.locationID
        movement.kind = change.kind
        movement.quantity = delta
        movement.balanceAfter = level.quantity
        movement.unitCost = change.unitCost
        movement.workOrderID = change.workOrderID
        movement.purchaseOrderID = change.purchaseOrderID
        movement.userID = principal.userID
        movement.reason = change.reason
        try await movement.create(on: db)
        try await AuditLog.record(
            "stock.\(change.kind.rawValue)", entityType: StockLevel.entityType, entityID: levelID, before: before, after: level.dto,
            organizationID: principal.organizationID, context: context, on: db)
        // Low after this change and nobody told yet (it crossed now, or it was set up below its minimum).
        let alreadyAlerted = try await Alert.query(on: db).filter(\.$entityID == levelID).filter(\.$status == .open).count() > 0
        let becameLow = level.isLow && !alreadyAlerted
        if becameLow { try await raiseLowStock(level, principal: principal, context: context, on: db) }
        if wasLow && !level.isLow { try await resolveLowStock(level, on: db) }
        return Outcome(movement: movement, level: level, becameLow: becameLow)
    }

    /// The stock level of a part at a location, made empty on first use (a receipt, a transfer).
    static func level(part: UUID, location: UUID, organizationID: UUID, on db: any Database) async throws -> StockLevel {
        if let level = try await StockLevel.query(on: db).filter(\.$partID == part).filter(\.$locationID == location).first() {
            return level
        }
        let level = StockLevel()
        level.organizationID = organizationID
        level.partID = part
        level.locationID = location
        (level.quantity, level.reserved, level.minimum, level.version) = (0, 0, 0, 1)
        try await level.create(on: db)
        return level
    }

    /// Opens a low-stock alert and, when the part has a preferred vendor and no open order for it, drafts a
    /// purchase order for the reorder quantity (or enough to reach the maximum, or the minimum).
    static func raiseLowStock(_ level: StockLevel, principal: Principal, context: AuditContext, on db: any Database) async throws {
        let levelID = try level.requireID()
        guard let part = try await Part.find(level.partID, on: db) else { return }
        let siteID = try await Location.find(level.locationID, on: db)?.siteID
        let alert = Alert()
        alert.organizationID = principal.organizationID
        alert.kind = .stockLow
        alert.status = .open
        alert.entityID = levelID
        alert.siteID = siteID
        alert.message = "\(part.number) \(part.name): \(level.quantity.formatted()) \(part.unit) left, minimum \(level.minimum.formatted())"
        try await alert.create(on: db)
        guard let vendorID = part.preferredVendorID else { return }
        let openOrders = try await PurchaseOrder.query(on: db).filter(\.$organizationID == principal.organizationID)
            .filter(\.$status ~~ [.draft, .submitted, .approved, .partiallyReceived]).all().compactMap(\.id)
        let alreadyOrdered = try await PurchaseOrderLine.query(on: db).filter(\.$purchaseOrderID ~~ openOrders)
            .filter(\.$partID == level.partID).filter(\.$locationID == level.locationID).count()
        guard alreadyOrdered == 0 else { return }
        let quantity = StockArithmetic.reorderQuantity(
            quantity: level.quantity, minimum: level.minimum, maximum: level.maximum, reorder: level.reorderQuantity)
        let order = try await PurchaseOrder.draft(
            vendorID: vendorID, siteID: siteID, notes: "Drafted because \(part.number) fell below its minimum.", automatic: true,
            organizationID: principal.organizationID, on: db)
        let line = PurchaseOrderLine()
        line.organizationID = principal.organizationID
        line.purchaseOrderID = try order.requireID()
        line.partID = level.partID
        line.locationID = level.locationID
        line.quantity = quantity
        line.unitCost = part.unitCost
        line.receivedQuantity = 0
        try await line.create(on: db)
        try await AuditLog.record(
            "purchase_order.drafted", entityType: PurchaseOrder.entityType, entityID: order.id, after: order.dto,
            organizationID: principal.organizationID, context: context, on: db)
    }

    static func resolveLowStock(_ level: StockLevel, on db: any Database) async throws {
        try await Alert.query(on: db).filter(\.$entityID == (try level.requireID())).filter(\.$status == .open)
            .set(\.$status, to: .resolved).set(\.$resolvedAt, to: Date()).update()
    }
}

extension Stock {
    /// Drops reservations and gives their quantity back to the stock's available figure.
    static func releaseAll(_ reservations: [Reservation], on db: any Database) async throws {
        for reservation in reservations {
            try await db.lockForUpdate(StockLevel.schema, id: reservation.stockLevelID)
            if let level = try await StockLevel.find(reservation.stockLevelID, on: db) {
                level.reserved = max(0, level.reserved - reservation.quantity)
                level.version += 1
                try await level.update(on: db)
            }
            try await reservation.delete(on: db)
        }
    }

    /// The stock level, if its location is at a site the principal reaches; otherwise 404.
    static func reachableLevel(_ id: UUID, principal: Principal, on db: any Database) async throws -> StockLevel {
        let level = try await principal.find(StockLevel.self, id, on: db)
        do {
            _ = try await principal.findInSite(Location.self, level.locationID, on: db)
        } catch AppError.notFound {
            throw AppError.notFound("No such stock level.")
        }
        return level
    }
}
