import Fluent
import Vapor

/// `GET/PATCH /organization`: the caller's own organization (the tenant comes from the credential).
struct OrganizationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let organization = routes.grouped("organization")
        organization.get(use: Self.show)
        organization.patch(use: Self.update)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.organizationRead)
        guard let organization = try await Organization.find(principal.organizationID, on: request.db) else {
            throw AppError.notFound("No such organization.")
        }
        return try await organization.dto.response(version: organization.version, for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.organizationUpdate)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "settings"])
        let name = body.string("name", maxLength: 200)
        var settings = JSONBody(values: [:])
        if let raw = body.rawValue("settings") {
            if case .object(let object) = raw {
                settings = JSONBody(values: object)
                settings.rejectUnknown(allowed: ["requireFailureCodes", "allowNegativeStock", "publicRequests"])
            } else {
                body.add("settings", "must be an object")
            }
        }
        let requireFailureCodes = settings.bool("requireFailureCodes")
        let allowNegativeStock = settings.bool("allowNegativeStock")
        let publicRequests = settings.bool("publicRequests")
        for problem in settings.problems { body.add("settings." + problem.field, problem.message) }
        try body.validate()
        let context = try request.auditContext
        let organizationID = principal.organizationID
        let updated = try await request.write { db -> OrganizationDTO in
            try await db.lockForUpdate(Organization.schema, id: organizationID)
            guard let organization = try await Organization.find(organizationID, on: db) else {
                throw AppError.notFound("No such organization.")
            }
            try ETag.check(request, currentVersion: organization.version)
            let before = organization.dto
            if let name { organization.name = name }
            if let requireFailureCodes { organization.requireFailureCodes = requireFailureCodes }
            if let allowNegativeStock { organization.allowNegativeStock = allowNegativeStock }
            if let publicRequests { organization.publicRequests = publicRequests }
            organization.version += 1
            try await organization.update(on: db)
            try await AuditLog.record(
                "organization.updated", entityType: "organization", entityID: organizationID, before: before, after: organization.dto,
                organizationID: organizationID, context: context, on: db)
            return organization.dto
        }
        return try await updated.response(version: updated.version, for: request)
    }
}
