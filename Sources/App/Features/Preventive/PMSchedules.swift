import Fluent
import Maintenance
import Vapor

/// Preventive maintenance schedules: the operations and reads the API's `/pm-schedules` routes, the schedules
/// page and the compliance page share.
enum PMSchedules {
    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> PMSchedule {
        try principal.require(.workOrdersRead)
        return try await principal.findInSite(PMSchedule.self, id, on: db)
    }

    /// The writable fields; `calendar` and `meter` together make a whichever-comes-first schedule.
    struct Input: Sendable {
        var assetID: UUID?
        var title: String?
        var description: String??
        var type: WorkOrderType?
        var priority: WorkOrderPriority?
        var calendar: CalendarInterval??
        var meter: (meterID: UUID, every: Double)??
        var leadDays: Int?
        var nextDueAt: Date?
        var nextDueReading: Double?
        var assigneeIDs: [UUID]?
        var teamID: UUID??
        var estimatedMinutes: Int??
        var active: Bool?
        var checklistTemplateID: UUID??

        init(reading body: inout JSONBody, creating: Bool) {
            body.rejectUnknown(allowed: [
                "assetId", "title", "description", "type", "priority", "calendar", "meter", "leadDays", "nextDueAt", "nextDueReading",
                "assigneeIds", "teamId", "estimatedMinutes", "active", "checklistTemplateId",
            ])
            assetID = creating ? body.reference("assetId", .asset, required: true) : nil
            if !creating, body.has("assetId") { body.add("assetId", "cannot change: make a new schedule for another asset") }
            title = body.string("title", required: creating)
            description = body.patch("description") { $0.string("description", maxLength: 10_000) }
            type = body.enumValue("type", WorkOrderType.self)
            if let type, type != .preventive, type != .inspection { body.add("type", "must be preventive or inspection") }
            priority = body.enumValue("priority", WorkOrderPriority.self)
            calendar = body.patch("calendar") { Self.calendar(&$0) }
            meter = body.patch("meter") { Self.meter(&$0) }
            leadDays = body.int("leadDays", range: 0...365)
            nextDueAt = body.date("nextDueAt")
            nextDueReading = body.double("nextDueReading", range: -1e15...1e15)
            assigneeIDs = body.references("assigneeIds", .member, maxCount: 50)
            teamID = body.patch("teamId") { $0.reference("teamId", .team) }
            estimatedMinutes = body.patch("estimatedMinutes") { $0.int("estimatedMinutes", range: 0...100_000) }
            active = body.bool("active")
            checklistTemplateID = body.patch("checklistTemplateId") { $0.reference("checklistTemplateId", .checklistTemplate) }
            if creating, (calendar ?? nil) == nil, (meter ?? nil) == nil, body.problems.isEmpty {
                body.add("calendar", "or meter is required: a schedule needs a calendar interval, a meter interval, or both")
            }
            if creating, (calendar ?? nil) != nil, nextDueAt == nil {
                body.add("nextDueAt", "is required for a calendar schedule: when is it first due?")
            }
        }

        static func calendar(_ body: inout JSONBody) -> CalendarInterval? {
            guard case .object(let object)? = body.rawValue("calendar") else {
                body.add("calendar", "must be an object {every, unit, basis}")
                return nil
            }
            var inner = JSONBody(values: object)
            inner.rejectUnknown(allowed: ["every", "unit", "basis"])
            let every = inner.int("every", required: true, range: 1...1000)
            let unit = inner.enumValue("unit", CalendarInterval.Unit.self, required: true)
            let basis = inner.enumValue("basis", CalendarInterval.Basis.self) ?? .scheduled
            for problem in inner.problems { body.add("calendar.\(problem.field)", problem.message) }
            guard let every, let unit else { return nil }
            return CalendarInterval(every: every, unit: unit, basis: basis)
        }

        static func meter(_ body: inout JSONBody) -> (meterID: UUID, every: Double)? {
            guard case .object(let object)? = body.rawValue("meter") else {
                body.add("meter", "must be an object {meterId, every}")
                return nil
            }
            var inner = JSONBody(values: object)
            inner.rejectUnknown(allowed: ["meterId", "every"])
            let meterID = inner.reference("meterId", .meter, required: true)
            let every = inner.double("every", required: true, range: 0.000_001...1e12)
            body.adopt(inner, at: "meter")
            guard let meterID, let every else { return nil }
            return (meterID, every)
        }

        func apply(to schedule: PMSchedule, principal: Principal, on db: any Database) async throws {
            var problems: [FieldProblem] = []
            if let assetID {
                if let asset = try? await principal.findInSite(Asset.self, assetID, on: db) {
                    schedule.assetID = assetID
                    schedule.siteID = asset.siteID
                } else {
                    problems.append(FieldProblem(field: "assetId", message: "is not an asset you can reach"))
                }
            }
            if let title { schedule.title = title }
            if let description { schedule.details = description }
            if let type { schedule.type = type }
            if let priority { schedule.priority = priority }
            if let calendar {
                schedule.calendarEvery = calendar?.every
                schedule.calendarUnit = calendar?.unit
                schedule.calendarBasis = calendar?.basis
            }
            if let meter {
                if let meter {
                    let found = try? await principal.find(Meter.self, meter.meterID, on: db)
                    if found == nil || found?.assetID != schedule.$assetID.value {
                        problems.append(FieldProblem(field: "meter.meterId", message: "is not a meter of this schedule's asset"))
                    }
                    if schedule.meterID != meter.meterID || nextDueReading == nil {
                        schedule.nextDueReading = (found?.lastValue ?? 0) + meter.every
                    }
                }
                schedule.meterID = meter?.meterID
                schedule.meterEvery = meter?.every
                if meter == nil { schedule.nextDueReading = nil }
            }
            if let leadDays { schedule.leadDays = leadDays }
            if let nextDueAt { schedule.nextDueAt = nextDueAt }
            if let nextDueReading { schedule.nextDueReading = nextDueReading }
            if let teamID {
                if let teamID, (try? await principal.find(Team.self, teamID, on: db)) == nil {
                    problems.append(FieldProblem(field: "teamId", message: "is not a team of this organization"))
                }
                schedule.teamID = teamID
            }
            if let assigneeIDs {
                if let siteID = schedule.$siteID.value {
                    problems += try await WorkOrders.assigneeProblems(assigneeIDs, siteID: siteID, principal: principal, on: db)
                }
                schedule.assigneeIDs = assigneeIDs
            }
            if let estimatedMinutes { schedule.estimatedMinutes = estimatedMinutes }
            if let active { schedule.active = active }
            if let checklistTemplateID {
                if let templateID = checklistTemplateID, (try? await principal.find(ChecklistTemplate.self, templateID, on: db)) == nil {
                    problems.append(FieldProblem(field: "checklistTemplateId", message: "is not a checklist template of this organization"))
                }
                schedule.checklistTemplateID = checklistTemplateID
            }
            if schedule.trigger == nil {
                problems.append(FieldProblem(field: "calendar", message: "or meter must remain: a schedule needs one"))
            }
            if schedule.calendarEvery != nil, schedule.nextDueAt == nil {
                problems.append(FieldProblem(field: "nextDueAt", message: "is required for a calendar schedule"))
            }
            if !problems.isEmpty { throw AppError.validation(problems) }
        }
    }

    static func create(
        from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: PMSchedule.DTO, id: UUID, version: Int) {
        try principal.require(.workOrdersManage)
        var body = try body()
        let input = Input(reading: &body, creating: true)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.create(principal: principal, through: request) { db in
            let schedule = PMSchedule()
            schedule.type = .preventive
            schedule.priority = .medium
            schedule.leadDays = 0
            schedule.assigneeIDs = []
            schedule.active = true
            try await input.apply(to: schedule, principal: principal, on: db)
            return schedule
        }
    }

    static func update(
        _ id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: PMSchedule.DTO, version: Int) {
        try principal.require(.workOrdersManage)
        _ = try await principal.findInSite(PMSchedule.self, id, on: request.db)
        var body = try body()
        let input = Input(reading: &body, creating: false)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.update(
            principal: principal, expected: expected, through: request,
            load: { try await principal.findInSite(PMSchedule.self, id, on: $0) }
        ) { schedule, db in
            try await input.apply(to: schedule, principal: principal, on: db)
        }
    }

    static func delete(_ id: UUID, expected: [String], principal: Principal, through request: Request) async throws {
        try principal.require(.workOrdersManage)
        try await Resources.delete(
            principal: principal, expected: expected, through: request,
            load: { try await principal.findInSite(PMSchedule.self, id, on: $0) })
    }

    struct Compliance: Content {
        var from: Date
        var to: Date
        /// PM work orders due in the period.
        var due: Int
        var completedOnTime: Int
        var completedLate: Int
        var notCompleted: Int
        /// completedOnTime / due, 0…1; `null` when nothing was due.
        var compliance: Double?
        var rule: String
    }

    /// The compliance over `from`..<`to` (by default the 90 days to now) of the PM work orders `principal` may see:
    /// the API's and the compliance page's one query. A period that ends before it starts is a 400 naming `from`.
    static func compliance(from: Date?, to: Date?, principal: Principal, on db: any Database) async throws
        -> Compliance
    {
        let to = to ?? Date()
        let from = from ?? to.addingTimeInterval(-90 * 86_400)
        guard from < to else {
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: "from", message: "must be before to")])
        }
        let orders = try await ComplianceRead.orders(from: from, to: to, principal: principal, on: db)
        let triggers = try await ComplianceRead.triggers(of: Set(orders.compactMap(\.scheduleID)), principal: principal, on: db)
        // Only a completed meter-only PM needs its meter's rate: the readings of those meters, read at once.
        func meterOnly(_ order: ComplianceRead.Order) -> MeterInterval? {
            guard order.completedAt != nil, let trigger = order.scheduleID.flatMap({ triggers[$0] }), trigger.calendar == nil else {
                return nil
            }
            return trigger.meter
        }
        let rated = orders.compactMap { order in meterOnly(order).map { (meterID: $0.meterID, due: order.dueAt) } }
        let readings = try await ComplianceRead.readings(
            of: Set(rated.map(\.meterID)), from: (rated.map(\.due).min() ?? from).addingTimeInterval(-90 * 86_400),
            to: rated.map(\.due).max() ?? to, principal: principal, on: db)
        let tallied = orders.map { order in
            let rate = meterOnly(order).flatMap { meter in
                PMCalendar.dailyRate(
                    (readings[meter.meterID] ?? []).filter { $0.at <= order.dueAt && $0.at >= order.dueAt.addingTimeInterval(-90 * 86_400) }
                )
            }
            return PMCompliance.Order(
                dueAt: order.dueAt, completedAt: order.completedAt, trigger: order.scheduleID.flatMap { triggers[$0] },
                meterRatePerDay: rate)
        }
        let result = PMCompliance(tallied)
        return Compliance(
            from: from, to: to, due: orders.count, completedOnTime: result.onTime, completedLate: result.late,
            notCompleted: orders.count - result.onTime - result.late, compliance: orders.isEmpty ? nil : result.share,
            rule: PMCompliance.rule)
    }
}
