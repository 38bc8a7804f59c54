import Fluent
import Vapor

extension PartController {
    @Sendable static func listLevels(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let filter = StockFilter(
            partID: try request.queryUUID("partId"), locationID: try request.queryUUID("locationId"),
            lowOnly: request.queryParameter("low") == "true")
        return try await Listing.respond(request, sorts: Stock.levelSorts, defaultSort: "createdAt", filename: "stock-levels") {
            try await Stock.levels(filter, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func showLevel(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        return try await Resources.show(
            try await Stock.reachableLevel(request.pathID("stockLevelID"), principal: principal, on: request.db), for: request)
    }

    static func levelLimits(_ body: inout JSONBody) -> (minimum: Double?, maximum: Double??, reorder: Double??) {
        let minimum = body.double("minimum", range: 0...1e12)
        let maximum = body.patch("maximum") { $0.double("maximum", range: 0...1e12) }
        let reorder = body.patch("reorderQuantity") { $0.double("reorderQuantity", range: 0...1e12) }
        if let minimum, case .some(.some(let maximum)) = maximum, maximum < minimum { body.add("maximum", "is below the minimum") }
        return (minimum, maximum, reorder)
    }

    @Sendable static func createLevel(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsWrite)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["partId", "locationId", "minimum", "maximum", "reorderQuantity"])
        let partID = body.reference("partId", .part, required: true)
        let locationID = body.reference("locationId", .location, required: true)
        let limits = levelLimits(&body)
        try await body.validate(for: principal, on: request.db)
        guard let partID, let locationID else { throw AppError.validation(body.problems) }
        return try await Resources.create(request, path: "stock-levels") { db in
            var problems: [FieldProblem] = []
            if (try? await principal.find(Part.self, partID, on: db)) == nil {
                problems.append(FieldProblem(field: "partId", message: "is not a part of this organization"))
            }
            if (try? await principal.findInSite(Location.self, locationID, on: db)) == nil {
                problems.append(FieldProblem(field: "locationId", message: "is not a location you can reach"))
            }
            if !problems.isEmpty { throw AppError.validation(problems) }
            if try await StockLevel.query(on: db).filter(\.$partID == partID).filter(\.$locationID == locationID).count() > 0 {
                throw AppError.conflict("This part already has a stock level at this location.")
            }
            let level = StockLevel()
            level.partID = partID
            level.locationID = locationID
            level.quantity = 0
            level.reserved = 0
            level.minimum = limits.minimum ?? 0
            level.maximum = limits.maximum ?? nil
            level.reorderQuantity = limits.reorder ?? nil
            return level
        }
    }

    @Sendable static func updateLevel(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsWrite)
        let id = try request.pathID("stockLevelID")
        _ = try await Stock.reachableLevel(id, principal: principal, on: request.db)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["minimum", "maximum", "reorderQuantity"])
        let limits = levelLimits(&body)
        try body.validate()
        return try await Resources.update(request, load: { try await Stock.reachableLevel(id, principal: principal, on: $0) }) { level, _ in
            if let minimum = limits.minimum { level.minimum = minimum }
            if let maximum = limits.maximum { level.maximum = maximum }
            if let reorder = limits.reorder { level.reorderQuantity = reorder }
        }
    }

    /// `POST /stock-levels/{id}/movements`: receive, adjust, count or transfer (with `toLocationId`).
    @Sendable static func move(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.stockAdjust)
        let id = try request.pathID("stockLevelID")
        let source = try await Stock.reachableLevel(id, principal: principal, on: request.db)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["kind", "quantity", "reason", "unitCost", "toLocationId"])
        let kind = body.enumValue("kind", StockMovement.Kind.self, required: true)
        let quantity = body.double("quantity", required: true, range: -1e12...1e12)
        let reason = body.string("reason", required: true, maxLength: 500)
        let unitCost = body.double("unitCost", range: 0...1e9)
        let destination = body.reference("toLocationId", .location)
        switch kind {
        case .issue?, .return?, .transferIn?:
            body.add("kind", "must be receive, adjust, count or transfer_out: issues and returns go through a work order")
        case .receive?, .transferOut?:
            if let quantity, quantity <= 0 { body.add("quantity", "must be more than zero") }
        case .count?:
            if let quantity, quantity < 0 { body.add("quantity", "must not be negative") }
        case .adjust?, nil:
            if quantity == 0 { body.add("quantity", "must not be zero") }
        }
        if kind == .transferOut, destination == nil { body.add("toLocationId", "is required for a transfer") }
        if kind == .transferOut, destination == source.locationID { body.add("toLocationId", "is where the stock already is") }
        try await body.validate(for: principal, on: request.db)
        guard let kind, let quantity, let reason else { throw AppError.validation(body.problems) }
        let context = try request.auditContext
        let (movements, low) = try await request.write { db -> ([StockMovement.DTO], [DomainEvent]) in
            var events: [DomainEvent] = []
            let signed = kind == .transferOut ? -quantity : quantity
            let out = try await Stock.apply(
                .init(kind: kind, quantity: signed, reason: reason, unitCost: unitCost), to: id, principal: principal, context: context,
                on: db)
            var results = [out]
            if kind == .transferOut, let destination {
                guard (try? await principal.findInSite(Location.self, destination, on: db)) != nil else {
                    throw AppError.invalid("toLocationId", "is not a location you can reach")
                }
                let target = try await Stock.level(
                    part: source.partID, location: destination, organizationID: principal.organizationID, on: db)
                results.append(
                    try await Stock.apply(
                        .init(kind: .transferIn, quantity: quantity, reason: reason), to: try target.requireID(), principal: principal,
                        context: context, on: db))
            }
            for result in results where result.becameLow {
                events.append(DomainEvent(.stockLow, organizationID: principal.organizationID, entityID: try result.level.requireID()))
            }
            try await Outbox.record(events, on: db)
            return (results.map(\.movement.dto), events)
        }
        request.application.events.publish(low)
        return try await movements.encodeResponse(status: .created, for: request)
    }

    @Sendable static func ledger(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let filter = StockFilter(
            partID: try request.queryUUID("partId"), locationID: try request.queryUUID("locationId"),
            workOrderID: try request.queryUUID("workOrderId"), kind: try request.queryEnum("kind", StockMovement.Kind.self))
        return try await Listing.respond(request, sorts: Stock.movementSorts, defaultSort: "-createdAt", filename: "stock-movements") {
            try await Stock.ledger(filter, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func listAlerts(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let status = try request.queryEnum("status", Alert.Status.self)
        return try await Listing.respond(request, sorts: Alerts.sorts, defaultSort: "-createdAt", filename: "alerts") {
            try await Alerts.list(status: status, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func resolveAlert(_ request: Request) async throws -> Alert.DTO {
        let principal = try request.principal
        try principal.require(.partsWrite)
        return try await Alerts.resolve(try request.pathID("alertID"), principal: principal, through: request)
    }
}
