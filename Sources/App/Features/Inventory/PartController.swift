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

    @Sendable static func listVendors(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let name = request.queryParameter("q")
        return try await Listing.respond(request, sorts: Vendor.sorts, defaultSort: "name", filename: "vendors") { parameters in
            try await Contacts.list(
                Vendor.self, read: .partsRead, name: name, sorts: Vendor.sorts, parameters, principal: principal, on: request.db)
        }
    }

    @Sendable static func showVendor(_ request: Request) async throws -> Response {
        let vendor = try await Contacts.find(
            Vendor.self, request.pathID("vendorID"), read: .partsRead, principal: try request.principal, on: request.db)
        return try await Resources.show(vendor, for: request)
    }

    @Sendable static func createVendor(_ request: Request) async throws -> Response {
        let made = try await Contacts.create(
            Vendor.self, write: .partsWrite, from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "vendors", for: request)
    }

    @Sendable static func updateVendor(_ request: Request) async throws -> Response {
        let made = try await Contacts.update(
            Vendor.self, request.pathID("vendorID"), write: .partsWrite, from: { try JSONBody(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    // MARK: Parts

    @Sendable static func listParts(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.partsRead)
        let filter = PartFilter(request)
        return try await Listing.respond(request, sorts: Parts.sorts, defaultSort: "number", filename: "parts") { parameters in
            try await Parts.list(filter, parameters, principal: principal, on: request.db)
        }
    }

    @Sendable static func showPart(_ request: Request) async throws -> Response {
        try await Resources.show(
            try await Parts.find(request.pathID("partID"), principal: try request.principal, on: request.db), for: request)
    }

    @Sendable static func createPart(_ request: Request) async throws -> Response {
        let made = try await Parts.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "parts", for: request)
    }

    @Sendable static func updatePart(_ request: Request) async throws -> Response {
        let made = try await Parts.update(
            request.pathID("partID"), from: { try JSONBody(request) }, expected: ETag.expected(request), principal: try request.principal,
            through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    @Sendable static func deletePart(_ request: Request) async throws -> HTTPStatus {
        try await Parts.delete(
            request.pathID("partID"), expected: ETag.expected(request), principal: try request.principal, through: request)
        return .noContent
    }
}
