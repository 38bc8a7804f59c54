import Fluent
import Maintenance
import Vapor

/// `/pm-schedules`: preventive maintenance schedules, and `/pm-schedules/compliance` (SMRP 5.4.14), through the
/// ``PMSchedules`` operations the schedules and compliance pages also call.
struct PMScheduleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let schedules = routes.grouped("pm-schedules")
        schedules.get(use: Self.list)
        schedules.post(use: Self.create)
        schedules.get("compliance", use: Self.compliance)
        schedules.get(":pmScheduleID", use: Self.show)
        schedules.patch(":pmScheduleID", use: Self.update)
        schedules.delete(":pmScheduleID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let assetID = try request.queryUUID("assetId")
        let active = request.queryParameter("active").map { $0 == "true" }
        let dueBefore = try request.queryDate("dueBefore")
        return try await Listing.respond(request, sorts: PMSchedules.sorts, defaultSort: "nextDueAt", filename: "pm-schedules") {
            try await PMSchedules.list(assetID: assetID, active: active, dueBefore: dueBefore, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await Resources.show(
            try await PMSchedules.find(request.pathID("pmScheduleID"), principal: try request.principal, on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let made = try await PMSchedules.create(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "pm-schedules", for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let made = try await PMSchedules.update(
            request.pathID("pmScheduleID"), from: { try JSONBody(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        try await PMSchedules.delete(
            request.pathID("pmScheduleID"), expected: ETag.expected(request), principal: try request.principal, through: request)
        return .noContent
    }

    /// `GET /pm-schedules/compliance?from=&to=`: of the PM work orders due in the period, the share completed by
    /// their due date plus a grace of 20 % of the interval, at most 28 days (SMRP metric 5.4.14).
    @Sendable static func compliance(_ request: Request) async throws -> PMSchedules.Compliance {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        return try await PMSchedules.compliance(
            from: try request.queryDate("from"), to: try request.queryDate("to"), principal: principal, on: request.db)
    }
}
