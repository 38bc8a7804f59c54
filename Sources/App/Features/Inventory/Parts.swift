import Fluent
import Vapor

/// The parts catalogue: the operations the API's `/parts` routes and the parts pages share.
enum Parts {
    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> Part {
        try principal.require(.partsRead)
        return try await principal.find(Part.self, id, on: db)
    }

    /// Reads the writable fields (`number`, `name`, `description`, `unit`, `unitCost`, `barcode`, `critical`,
    /// `preferredVendorId`) and returns the change they make; absent fields are left alone.
    static func input(_ body: inout JSONBody, principal: Principal, creating: Bool) -> @Sendable (Part, any Database) async throws -> Void {
        body.rejectUnknown(allowed: ["number", "name", "description", "unit", "unitCost", "barcode", "critical", "preferredVendorId"])
        let number = body.string("number", required: creating, maxLength: 64)
        let name = body.string("name", required: creating)
        let description = body.patch("description") { $0.string("description", maxLength: 4000) }
        let unit = body.string("unit", maxLength: 16)
        let unitCost = body.double("unitCost", range: 0...1e9)
        let barcode = body.patch("barcode") { $0.string("barcode", maxLength: 128) }
        let critical = body.bool("critical")
        let vendor = body.patch("preferredVendorId") { $0.reference("preferredVendorId", .vendor) }
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

    static func create(
        from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: Part.DTO, id: UUID, version: Int) {
        try principal.require(.partsWrite)
        var body = try body()
        let apply = input(&body, principal: principal, creating: true)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.create(principal: principal, through: request) { db in
            let part = Part()
            part.unit = "each"
            part.unitCost = 0
            part.critical = false
            try await apply(part, db)
            return part
        }
    }

    static func update(
        _ id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Part.DTO, version: Int) {
        try principal.require(.partsWrite)
        _ = try await principal.find(Part.self, id, on: request.db)
        var body = try body()
        let apply = input(&body, principal: principal, creating: false)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.update(
            principal: principal, expected: expected, through: request, load: { try await principal.find(Part.self, id, on: $0) },
            apply: apply)
    }

    /// Deletes a part with no stock history, and its empty stock levels.
    static func delete(_ id: UUID, expected: [String], principal: Principal, through request: Request) async throws {
        try principal.require(.partsWrite)
        try await Resources.delete(
            principal: principal, expected: expected, through: request, load: { try await principal.find(Part.self, id, on: $0) }
        ) { _, db in
            if try await StockMovement.query(on: db).filter(\.$partID == id).count() > 0 {
                throw AppError.conflict("This part has stock history; it cannot be deleted.")
            }
            try await StockLevel.query(on: db).filter(\.$partID == id).delete()
        }
    }
}
