import Fluent
import Vapor

/// Ordering parts from vendors and receiving them into stock: the operations the API's `/purchase-orders`
/// routes, the purchase orders list and an order's page share. Only drafts change their content; each step
/// checks the version the caller read.
enum PurchaseOrders {
    /// A purchase order with its lines.
    struct Detail: Content {
        var id: UUID
        var number: String
        var vendorId: UUID
        var siteId: UUID?
        var status: PurchaseOrder.Status
        var notes: String?
        var automatic: Bool
        var total: Double
        var lines: [PurchaseOrderLine.DTO]
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    static func detail(_ order: PurchaseOrder, on db: any Database) async throws -> Detail {
        let lines = try await PurchaseOrderLine.query(on: db).filter(\.$purchaseOrderID == (try order.requireID())).sort(\.$createdAt).all()
        let dto = order.dto
        return Detail(
            id: dto.id, number: dto.number, vendorId: dto.vendorId, siteId: dto.siteId, status: dto.status, notes: dto.notes,
            automatic: dto.automatic,
            total: lines.reduce(0) { $0 + $1.quantity * $1.unitCost }, lines: lines.map(\.dto), version: dto.version,
            createdAt: dto.createdAt,
            updatedAt: dto.updatedAt)
    }

    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> PurchaseOrder {
        try principal.require(.purchaseOrdersRead)
        return try await principal.findInSite(PurchaseOrder.self, id, on: db)
    }

    struct LineInput: Sendable {
        var partID: UUID
        var locationID: UUID
        var quantity: Double
        var unitCost: Double?
    }

    static func readLine(_ body: inout JSONBody) -> LineInput? {
        body.rejectUnknown(allowed: ["partId", "locationId", "quantity", "unitCost"])
        let partID = body.reference("partId", .part, required: true)
        let locationID = body.reference("locationId", .location, required: true)
        let quantity = body.double("quantity", required: true, range: 0.000_001...1e9)
        let unitCost = body.double("unitCost", range: 0...1e9)
        guard let partID, let locationID, let quantity else { return nil }
        return LineInput(partID: partID, locationID: locationID, quantity: quantity, unitCost: unitCost)
    }

    /// Adds a line, checking the part and location (at the order's delivery site); the cost defaults to the
    /// part's unit cost.
    static func addLine(_ line: LineInput, to order: PurchaseOrder, field: String, principal: Principal, on db: any Database)
        async throws
    {
        var problems: [FieldProblem] = []
        let part = try? await principal.find(Part.self, line.partID, on: db)
        if part == nil { problems.append(FieldProblem(field: "\(field)partId", message: "is not a part of this organization")) }
        if let location = try? await principal.findInSite(Location.self, line.locationID, on: db) {
            if let siteID = order.siteID, location.siteID != siteID {
                problems.append(FieldProblem(field: "\(field)locationId", message: "is not at the order's delivery site"))
            }
        } else {
            problems.append(FieldProblem(field: "\(field)locationId", message: "is not a location you can reach"))
        }
        guard problems.isEmpty, let part else { throw AppError.validation(problems) }
        let row = PurchaseOrderLine()
        row.organizationID = principal.organizationID
        row.purchaseOrderID = try order.requireID()
        row.partID = line.partID
        row.locationID = line.locationID
        row.quantity = line.quantity
        row.unitCost = line.unitCost ?? part.unitCost
        row.receivedQuantity = 0
        try await row.create(on: db)
    }

    /// A draft order from `vendorId` delivered to `siteId`, with `notes` and up to 200 `lines`.
    static func create(
        from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: Detail, id: UUID, version: Int) {
        try principal.require(.purchaseOrdersWrite)
        var body = try body()
        body.rejectUnknown(allowed: ["vendorId", "siteId", "notes", "lines"])
        let vendorID = body.reference("vendorId", .vendor, required: true)
        let siteID = body.reference("siteId", .site, required: true)
        let notes = body.string("notes", maxLength: 4000)
        var lines: [LineInput] = []
        if let raw = body.rawValue("lines") {
            if case .array(let items) = raw, items.count <= 200 {
                for (index, item) in items.enumerated() {
                    guard case .object(let object) = item else {
                        body.add("lines[\(index)]", "must be an object")
                        continue
                    }
                    var lineBody = JSONBody(values: object)
                    let line = readLine(&lineBody)
                    body.adopt(lineBody, at: "lines[\(index)]")
                    if let line { lines.append(line) }
                }
            } else {
                body.add("lines", "must be an array of at most 200 lines")
            }
        }
        try await body.validate(for: principal, on: request.db)
        guard let vendorID, let siteID else { throw AppError.validation(body.problems) }
        let context = try request.auditContext(principal)
        let linesToAdd = lines
        let (detail, version) = try await request.write { db -> (Detail, Int) in
            guard (try? await principal.find(Vendor.self, vendorID, on: db)) != nil else {
                throw AppError.invalid("vendorId", "is not a vendor of this organization")
            }
            let order = try await PurchaseOrder.draft(
                vendorID: vendorID, siteID: siteID, notes: notes, automatic: false, organizationID: principal.organizationID, on: db)
            for (index, line) in linesToAdd.enumerated() {
                try await addLine(line, to: order, field: "lines[\(index)].", principal: principal, on: db)
            }
            let made = try await Self.detail(order, on: db)
            try await AuditLog.record(
                "purchase_order.created", entityType: PurchaseOrder.entityType, entityID: order.id, after: made,
                organizationID: principal.organizationID, context: context, on: db)
            return (made, order.version)
        }
        return (detail, detail.id, version)
    }

    /// The order, locked, if it is a draft: only drafts change their content.
    static func draft(_ id: UUID, expected: [String], principal: Principal, on db: any Database) async throws -> PurchaseOrder {
        try await db.lockForUpdate(PurchaseOrder.schema, id: id)
        let order = try await principal.findInSite(PurchaseOrder.self, id, on: db)
        try ETag.check(expected: expected, currentVersion: order.version)
        guard order.status == .draft else {
            throw AppError.conflict("Only a draft can be changed; this order is \(order.status.rawValue).")
        }
        return order
    }

    /// Changes a draft's `vendorId` or `notes`.
    static func update(
        _ id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: PurchaseOrder.DTO, version: Int) {
        try principal.require(.purchaseOrdersWrite)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["vendorId", "notes"])
        let vendorID = body.reference("vendorId", .vendor)
        let notes = body.patch("notes") { $0.string("notes", maxLength: 4000) }
        try await body.validate(for: principal, on: request.db)
        return try await Resources.update(
            principal: principal, expected: expected, through: request,
            load: { db in try await draft(id, expected: expected, principal: principal, on: db) }
        ) { order, db in
            if let vendorID {
                guard (try? await principal.find(Vendor.self, vendorID, on: db)) != nil else {
                    throw AppError.invalid("vendorId", "is not a vendor of this organization")
                }
                order.vendorID = vendorID
            }
            if let notes { order.notes = notes }
        }
    }

    /// Deletes a draft.
    static func delete(_ id: UUID, expected: [String], principal: Principal, through request: Request) async throws {
        try principal.require(.purchaseOrdersWrite)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        try await Resources.delete(
            principal: principal, expected: expected, through: request,
            load: { db in try await draft(id, expected: expected, principal: principal, on: db) })
    }

    /// Adds a line (`partId`, `locationId`, `quantity`, `unitCost`) to a draft.
    static func addLine(
        to id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Detail, version: Int) {
        try principal.require(.purchaseOrdersWrite)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        var body = try body()
        let line = readLine(&body)
        try await body.validate(for: principal, on: request.db)
        guard let line else { throw AppError.validation(body.problems) }
        let context = try request.auditContext(principal)
        return try await request.write { db -> (dto: Detail, version: Int) in
            let order = try await draft(id, expected: expected, principal: principal, on: db)
            let before = try await detail(order, on: db)
            try await addLine(line, to: order, field: "", principal: principal, on: db)
            return try await save(order, action: "line_added", before: before, principal: principal, context: context, on: db)
        }
    }

    /// Removes the line `lineID` from a draft.
    static func removeLine(
        _ lineID: UUID, from id: UUID, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Detail, version: Int) {
        try principal.require(.purchaseOrdersWrite)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.write { db -> (dto: Detail, version: Int) in
            let order = try await draft(id, expected: expected, principal: principal, on: db)
            let line = try await principal.find(PurchaseOrderLine.self, lineID, on: db)
            guard line.purchaseOrderID == order.id else { throw AppError.notFound("No such line on this order.") }
            let before = try await detail(order, on: db)
            try await line.delete(on: db)
            return try await save(order, action: "line_removed", before: before, principal: principal, context: context, on: db)
        }
    }

    /// Bumps the version, saves, and audits `purchase_order.<action>` with the order (and lines) before and after.
    static func save(
        _ order: PurchaseOrder, action: String, before: Detail, principal: Principal, context: AuditContext, on db: any Database
    ) async throws -> (dto: Detail, version: Int) {
        order.version += 1
        try await order.update(on: db)
        let after = try await detail(order, on: db)
        try await AuditLog.record(
            "purchase_order.\(action)", entityType: PurchaseOrder.entityType, entityID: order.id, before: before, after: after,
            organizationID: principal.organizationID, context: context, on: db)
        return (after, order.version)
    }

    /// The status moves of a purchase order other than receiving.
    enum Action: String, CaseIterable, Sendable {
        case submit, approve, close, cancel

        var from: Set<PurchaseOrder.Status> {
            switch self {
            case .submit: [.draft]
            case .approve: [.submitted]
            case .close: [.received, .partiallyReceived]
            case .cancel: [.draft, .submitted, .approved]
            }
        }

        var to: PurchaseOrder.Status {
            switch self {
            case .submit: .submitted
            case .approve: .approved
            case .close: .closed
            case .cancel: .cancelled
            }
        }

        var permission: Permission { self == .approve ? .purchaseOrdersApprove : .purchaseOrdersWrite }
    }

    /// Moves the order by `action` (submit, approve, close, cancel) from the statuses it allows.
    static func act(
        _ action: Action, on id: UUID, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Detail, version: Int) {
        try principal.require(.purchaseOrdersRead)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        try principal.require(action.permission)
        let context = try request.auditContext(principal)
        return try await request.write { db -> (dto: Detail, version: Int) in
            try await db.lockForUpdate(PurchaseOrder.schema, id: id)
            let order = try await principal.findInSite(PurchaseOrder.self, id, on: db)
            try ETag.check(expected: expected, currentVersion: order.version)
            guard action.from.contains(order.status) else {
                let possible =
                    Action.allCases.filter { $0.from.contains(order.status) }.map(\.rawValue)
                    + ([.approved, .partiallyReceived].contains(order.status) ? ["receive"] : [])
                throw AppError.conflict(
                    "A purchase order that is \(order.status.rawValue) cannot \(action.rawValue). Allowed now: \(possible.isEmpty ? "none" : possible.joined(separator: ", "))."
                )
            }
            if action == .submit, try await PurchaseOrderLine.query(on: db).filter(\.$purchaseOrderID == id).count() == 0 {
                throw AppError.conflict("An order without lines cannot be submitted.")
            }
            let before = try await detail(order, on: db)
            order.status = action.to
            return try await save(order, action: "\(action.rawValue)", before: before, principal: principal, context: context, on: db)
        }
    }

    /// Receiving `{lines: [{lineId, quantity}]}`: goods arrive; each adds stock at the order's unit cost. The
    /// order becomes partially received, or received when every line is complete.
    static func receive(
        on id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Detail, version: Int) {
        try principal.require(.purchaseOrdersRead)
        _ = try await principal.findInSite(PurchaseOrder.self, id, on: request.db)
        try principal.require(.purchaseOrdersWrite)
        var body = try body()
        body.rejectUnknown(allowed: ["lines"])
        var receipts: [(UUID, Double)] = []
        if case .array(let items)? = body.rawValue("lines"), !items.isEmpty {
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    body.add("lines[\(index)]", "must be an object")
                    continue
                }
                var line = JSONBody(values: object)
                line.rejectUnknown(allowed: ["lineId", "quantity"])
                let lineID = line.reference("lineId", .purchaseOrderLine, required: true)
                let quantity = line.double("quantity", required: true, range: 0.000_001...1e9)
                body.adopt(line, at: "lines[\(index)]")
                if let lineID, let quantity { receipts.append((lineID, quantity)) }
            }
        } else {
            body.add("lines", "must be a non-empty array of {lineId, quantity}")
        }
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext(principal)
        let received = receipts
        return try await request.write { db -> (dto: Detail, version: Int) in
            try await db.lockForUpdate(PurchaseOrder.schema, id: id)
            let order = try await principal.findInSite(PurchaseOrder.self, id, on: db)
            try ETag.check(expected: expected, currentVersion: order.version)
            guard [.approved, .partiallyReceived].contains(order.status) else {
                throw AppError.conflict("Only an approved order can be received; this one is \(order.status.rawValue).")
            }
            let before = try await detail(order, on: db)
            var problems: [FieldProblem] = []
            for (index, (lineID, quantity)) in received.enumerated() {
                guard let line = try await PurchaseOrderLine.query(on: db).filter(\.$id == lineID).filter(\.$purchaseOrderID == id).first()
                else {
                    problems.append(FieldProblem(field: "lines[\(index)].lineId", message: "is not a line of this order"))
                    continue
                }
                if line.receivedQuantity + quantity > line.quantity + 1e-9 {
                    problems.append(
                        FieldProblem(
                            field: "lines[\(index)].quantity",
                            message: "is more than is still due on this line (\((line.quantity - line.receivedQuantity).formatted()))"))
                    continue
                }
                line.receivedQuantity += quantity
                try await line.update(on: db)
                let level = try await Stock.level(
                    part: line.partID, location: line.locationID, organizationID: principal.organizationID, on: db)
                _ = try await Stock.apply(
                    .init(
                        kind: .receive, quantity: quantity, reason: "Received on \(order.dto.number)", unitCost: line.unitCost,
                        purchaseOrderID: id),
                    to: try level.requireID(), principal: principal, context: context, on: db)
            }
            if !problems.isEmpty { throw AppError.validation(problems) }
            let lines = try await PurchaseOrderLine.query(on: db).filter(\.$purchaseOrderID == id).all()
            order.status = lines.allSatisfy { $0.receivedQuantity + 1e-9 >= $0.quantity } ? .received : .partiallyReceived
            return try await save(order, action: "received", before: before, principal: principal, context: context, on: db)
        }
    }
}
