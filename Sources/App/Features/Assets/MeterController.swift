import Fluent
import Vapor

/// `/meters` and `/meters/{id}/readings`: what is measured on assets, and the readings.
struct MeterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let meters = routes.grouped("meters")
        meters.get(use: Self.list)
        meters.post(use: Self.create)
        meters.get(":meterID", use: Self.show)
        meters.patch(":meterID", use: Self.update)
        meters.delete(":meterID", use: Self.delete)
        meters.get(":meterID", "readings", use: Self.readings)
        meters.post(":meterID", "readings", use: Self.record)
    }

    /// The meter, if its asset is one the principal reaches; otherwise 404.
    static func meter(_ id: UUID, principal: Principal, on db: any Database) async throws -> Meter {
        let meter = try await principal.find(Meter.self, id, on: db)
        _ = try await principal.findInSite(Asset.self, meter.assetID, on: db)
        return meter
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        let assetID = try request.queryUUID("assetId")
        return try await Listing.respond(request, sorts: Meters.sorts, defaultSort: "name", filename: "meters") {
            try await Meters.list(assetID: assetID, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        return try await Resources.show(try await meter(request.pathID("meterID"), principal: principal, on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.metersWrite)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["assetId", "name", "unit", "monotonic"])
        let assetID = body.reference("assetId", .asset, required: true)
        let name = body.string("name", required: true, maxLength: 100)
        let unit = body.string("unit", required: true, maxLength: 20)
        let monotonic = body.bool("monotonic") ?? true
        try await body.validate(for: principal, on: request.db)
        guard let assetID, let name, let unit else { throw AppError.validation(body.problems) }
        return try await Resources.create(request, path: "meters") { db in
            do {
                _ = try await principal.findInSite(Asset.self, assetID, on: db)
            } catch AppError.notFound {
                throw AppError.invalid("assetId", "is not an asset you can reach")
            }
            let meter = Meter()
            meter.assetID = assetID
            meter.name = name
            meter.unit = unit
            meter.monotonic = monotonic
            return meter
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.metersWrite)
        let id = try request.pathID("meterID")
        _ = try await meter(id, principal: principal, on: request.db)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "unit", "monotonic"])
        let name = body.string("name", maxLength: 100)
        let unit = body.string("unit", maxLength: 20)
        let monotonic = body.bool("monotonic")
        try body.validate()
        return try await Resources.update(request, load: { try await meter(id, principal: principal, on: $0) }) { meter, _ in
            if let name { meter.name = name }
            if let unit { meter.unit = unit }
            if let monotonic { meter.monotonic = monotonic }
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.metersWrite)
        let id = try request.pathID("meterID")
        return try await Resources.delete(request, load: { try await meter(id, principal: principal, on: $0) }) { meter, db in
            let uses = try await uses(of: meter, on: db)
            guard uses.isEmpty else {
                throw AppError.conflict(
                    "This meter is in use: \(uses.joined(separator: "; ")). Its readings are the asset's history, and PM schedules and checklists count on it; remove or change those first."
                )
            }
        }
    }

    /// What keeps a meter from being deleted: its readings, the PM schedules counting on it, and the checklist
    /// templates and unfinished tasks that ask for a reading of it.
    static func uses(of meter: Meter, on db: any Database) async throws -> [String] {
        let id = try meter.requireID()
        var uses: [String] = []
        let readings = try await MeterReading.query(on: db).filter(\.$meterID == id).count()
        if readings > 0 { uses.append("\(readings) reading\(readings == 1 ? "" : "s")") }
        let schedules = try await PMSchedule.query(on: db).filter(\.$meterID == id).all(\.$title)
        if !schedules.isEmpty {
            uses.append("PM schedule\(schedules.count == 1 ? "" : "s") \(schedules.map { "“\($0)”" }.joined(separator: ", "))")
        }
        let templates = try await ChecklistTemplate.query(on: db).filter(\.$organizationID == meter.organizationID).all()
            .filter { $0.items.contains { $0.meterId == id } }.map(\.name)
        if !templates.isEmpty {
            uses.append("checklist template\(templates.count == 1 ? "" : "s") \(templates.map { "“\($0)”" }.joined(separator: ", "))")
        }
        let tasks = try await WorkOrderTask.query(on: db).filter(\.$organizationID == meter.organizationID).filter(\.$result == .pending)
            .filter(\.$specJSON ~~ id.uuidString).count()
        if tasks > 0 { uses.append("\(tasks) unfinished work-order task\(tasks == 1 ? "" : "s")") }
        return uses
    }

    @Sendable static func readings(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        let meterID = try await meter(request.pathID("meterID"), principal: principal, on: request.db).requireID()
        let (since, until) = (try request.queryDate("since"), try request.queryDate("until"))
        return try await Listing.respond(request, sorts: MeterReadings.sorts, defaultSort: "-readAt", filename: "meter-readings") {
            try await MeterReadings.list(of: meterID, since: since, until: until, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func record(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.readingsCreate)
        let meterID = try request.pathID("meterID")
        _ = try await meter(meterID, principal: principal, on: request.db)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["value", "readAt"])
        let value = body.double("value", required: true, range: -1e15...1e15)
        let readAt = body.date("readAt") ?? Date()
        if readAt > Date().addingTimeInterval(300) { body.add("readAt", "is in the future") }
        try body.validate()
        guard let value else { throw AppError.validation(body.problems) }
        let context = try request.auditContext
        let reading = try await request.write { db -> MeterReading.DTO in
            try await db.lockForUpdate(Meter.schema, id: meterID)
            let meter = try await meter(meterID, principal: principal, on: db)
            let reading = try await MeterReadings.record(
                value: value, at: readAt, on: meter, userID: principal.userID, workOrderID: nil, source: "manual", db: db)
            try await AuditLog.record(
                "meter_reading.created", entityType: "meter_reading", entityID: reading.id, after: reading.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return reading.dto
        }
        return try await reading.encodeResponse(status: .created, for: request)
    }
}

/// Recording a reading: the monotonic rule and the meter's latest value, shared by manual readings, checklist
/// meter tasks and imports.
enum MeterReadings {
    /// Adds a reading. On a monotonic meter a value must not be below any earlier reading nor above any later
    /// one: a counter never runs backwards, so such a value is a typing error.
    static func record(
        value: Double, at readAt: Date, on meter: Meter, userID: UUID?, workOrderID: UUID?, source: String, db: any Database
    ) async throws -> MeterReading {
        let meterID = try meter.requireID()
        if meter.monotonic {
            let before = try await MeterReading.query(on: db).filter(\.$meterID == meterID).filter(\.$readAt <= readAt)
                .sort(\.$readAt, .descending).first()
            let after = try await MeterReading.query(on: db).filter(\.$meterID == meterID).filter(\.$readAt > readAt)
                .sort(\.$readAt, .ascending).first()
            if let before, value < before.value {
                throw AppError.invalid(
                    "value",
                    "is below the reading \(before.value.formatted()) \(meter.unit) of \(before.readAt.formatted(.iso8601)) on this meter, which only counts up"
                )
            }
            if let after, value > after.value {
                throw AppError.invalid(
                    "value",
                    "is above the later reading \(after.value.formatted()) \(meter.unit) of \(after.readAt.formatted(.iso8601)) on this meter, which only counts up"
                )
            }
        }
        let reading = MeterReading()
        reading.organizationID = meter.organizationID
        reading.meterID = meterID
        reading.value = value
        reading.readAt = readAt
        reading.recordedByUserID = userID
        reading.workOrderID = workOrderID
        reading.source = source
        try await reading.create(on: db)
        if meter.lastReadAt.map({ readAt >= $0 }) ?? true {
            meter.lastValue = value
            meter.lastReadAt = readAt
            try await meter.update(on: db)
        }
        return reading
    }
}
