import Fluent
import Vapor

/// `/vendors`, `/parts`, `/stock-levels`, `/stock-movements`, `/alerts`: the storeroom.
struct PartController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let vendors = routes.grouped("vendors")
        vendors.get(use: Self.listVendors)
        vendors.post(use: Self.createVendor)
        vendors.get(":vendorID", use: Self.showVendor)
        vendors.patch(":vendorID", use: Self.updateVendor)
        let parts = routes.grouped("parts")
        parts.get(use: Self.listParts)
        parts.post(use: Self.createPart)
        parts.get(":partID", use: Self.showPart)
        parts.patch(":partID", use: Self.updatePart)
        parts.delete(":partID", use: Self.deletePart)
        let levels = routes.grouped("stock-levels")
        levels.get(use: Self.listLevels)
        levels.post(use: Self.createLevel)
        levels.get(":stockLevelID", use: Self.showLevel)
        levels.patch(":stockLevelID", use: Self.updateLevel)
        levels.post(":stockLevelID", "movements", use: Self.move)
        routes.get("stock-movements", use: Self.ledger)
        routes.get("alerts", use: Self.listAlerts)
        routes.post("alerts", ":alertID", "resolve", use: Self.resolveAlert)
    }

    // MARK: Vendors

    static let vendorSort: [SortField<Vendor>] = [SortField("name", "name") { .string($0.name) }]

    @Sendable static func listVendors(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let query = principal.query(Vendor.self, on: request.db)
        if let text = request.queryParameter("q"), !text.isEmpty { query.filter(\.$name ~~ text) }
        return try await Listing.respond(request, query: query, sortFields: vendorSort, defaultSort: "name", filename: "vendors") { $0.dto }
    }

    @Sendable static func showVendor(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        return try await Resources.show(try await principal.find(Vendor.self, request.pathID("vendorID"), on: request.db), for: request)
    }

    @Sendable static func createVendor(_ request: Request) async throws -> Response {
        try request.principal.require(.partsWrite)
        let input = try ContactInput(request, creating: true)
        return try await Resources.create(request, path: "vendors") { _ in
            let vendor = Vendor()
            input.apply(to: vendor)
            return vendor
        }
    }

    @Sendable static func updateVendor(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsWrite)
        let id = try request.pathID("vendorID")
        _ = try await principal.find(Vendor.self, id, on: request.db)
        let input = try ContactInput(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(Vendor.self, id, on: $0) }) { vendor, _ in
            input.apply(to: vendor)
        }
    }

    // MARK: Parts

    static let partSort: [SortField<Part>] = [
        SortField("number", "number") { .string($0.number) },
        SortField("name", "name") { .string($0.name) },
    ]

    @Sendable static func listParts(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let query = principal.query(Part.self, on: request.db)
        if let text = request.queryParameter("q"), !text.isEmpty {
            query.group(.or) { $0.filter(\.$name ~~ text).filter(\.$number ~~ text) }
        }
        if let barcode = request.queryParameter("barcode") { query.filter(\.$barcode == barcode) }
        if request.queryParameter("critical") == "true" { query.filter(\.$critical == true) }
        return try await Listing.respond(request, query: query, sortFields: partSort, defaultSort: "number", filename: "parts") { $0.dto }
    }

    @Sendable static func showPart(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        return try await Resources.show(try await principal.find(Part.self, request.pathID("partID"), on: request.db), for: request)
    }

    static func partInput(_ request: Request, principal: Principal, creating: Bool) async throws
        -> @Sendable (Part, any Database) async throws -> Void
    {
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["number", "name", "description", "unit", "unitCost", "barcode", "critical", "preferredVendorId"])
        let number = body.string("number", required: creating, maxLength: 64)
        let name = body.string("name", required: creating)
        let description = body.patch("description") { $0.string("description", maxLength: 4000) }
        let unit = body.string("unit", maxLength: 16)
        let unitCost = body.double("unitCost", range: 0...1e9)
        let barcode = body.patch("barcode") { $0.string("barcode", maxLength: 128) }
        let critical = body.bool("critical")
        let vendor = body.patch("preferredVendorId") { $0.reference("preferredVendorId", .vendor) }
        try await body.validate(for: principal, on: request.db)
        return { part, db in
            if let number, number != part.$number.value {
                if try await principal.query(Part.self, on: db).filter(\.$number == number).count() > 0 {
                    throw AppError.invalid("number", "is already used by another part")
                }
                part.number = number
            }
            if let name { part.name = name }
            if let description { part.details = description }
            if let unit { part.unit = unit }
            if let unitCost { part.unitCost = unitCost }
            if let barcode { part.barcode = barcode }
            if let critical { part.critical = critical }
            if let vendor {
                if let vendorID = vendor, (try? await principal.find(Vendor.self, vendorID, on: db)) == nil {
                    throw AppError.invalid("preferredVendorId", "is not a vendor of this organization")
                }
                part.preferredVendorID = vendor
            }
        }
    }

    @Sendable static func createPart(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsWrite)
        let apply = try await partInput(request, principal: principal, creating: true)
        return try await Resources.create(request, path: "parts") { db in
            let part = Part()
            part.unit = "each"
            part.unitCost = 0
            part.critical = false
            try await apply(part, db)
            return part
        }
    }

    @Sendable static func updatePart(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsWrite)
        let id = try request.pathID("partID")
        _ = try await principal.find(Part.self, id, on: request.db)
        let apply = try await partInput(request, principal: principal, creating: false)
        return try await Resources.update(request, load: { try await principal.find(Part.self, id, on: $0) }, apply: apply)
    }

    @Sendable static func deletePart(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.partsWrite)
        let id = try request.pathID("partID")
        return try await Resources.delete(request, load: { try await principal.find(Part.self, id, on: $0) }) { _, db in
            if try await StockMovement.query(on: db).filter(\.$partID == id).count() > 0 {
                throw AppError.conflict("This part has stock history; it cannot be deleted.")
            }
            try await StockLevel.query(on: db).filter(\.$partID == id).delete()
        }
    }
}
