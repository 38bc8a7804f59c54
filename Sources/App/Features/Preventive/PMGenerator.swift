import Fluent
import Foundation
import Maintenance
import NIOConcurrencyHelpers
import Vapor

/// Turns due PM schedules into work orders, exactly once per due point.
enum PMGenerator {
    static let actorName = "pm-scheduler"

    /// Checks every active schedule of every organization and creates the work orders that are due at `now`.
    /// Returns the ids of the work orders it created. Safe to run concurrently and repeatedly.
    @discardableResult
    static func run(_ app: Application, now: Date = Date()) async throws -> [UUID] {
        var created: [UUID] = []
        let schedules = try await PMSchedule.query(on: app.db).filter(\.$active == true).all()
        let failing = Set(
            try await Alert.query(on: app.db).filter(\.$kind == .pmGenerationFailed).filter(\.$status == .open).all(\.$entityID))
        for schedule in schedules {
            do {
                if let id = try await generateIfDue(schedule, app: app, now: now) { created.append(id) }
                if let id = schedule.id, failing.contains(id) { try await PMFailures.resolve(scheduleID: id, app: app) }
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another replica (or an overlapping run) made this due point's work order first.
                continue
            } catch {
                app.logger.error(
                    "PM generation failed", metadata: ["pm-schedule": .string(schedule.id?.uuidString ?? ""), "error": .string("\(error)")])
                // Never only a log line: an open alert says which schedule and why, until a run succeeds.
                do {
                    try await PMFailures.record(schedule, error: error, app: app)
                } catch {
                    app.logger.error("The PM failure could not be recorded as an alert: \(error)")
                }
            }
        }
        if !created.isEmpty { app.logger.info("PM job created \(created.count) work order(s)") }
        return created
    }

    static func generateIfDue(_ schedule: PMSchedule, app: Application, now: Date) async throws -> UUID? {
        let scheduleID = try schedule.requireID()
        guard let site = try await Site.find(schedule.siteID, on: app.db) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: site.timeZone) ?? .gmt
        let reading = try await schedule.meterID.asyncFlatMap { try await Meter.find($0, on: app.db)?.lastValue }
        guard
            let cause = PMCalendar.cause(
                due: schedule.due, leadDays: schedule.leadDays, now: now, currentReading: reading, calendar: calendar)
        else { return nil }
        // Come due by its meter, the order is due now plus the lead window, whatever the calendar leg says.
        let dueAt = PMCalendar.dueDate(for: cause, due: schedule.due, leadDays: schedule.leadDays, now: now, calendar: calendar)
        let key = PMGeneration.key(for: schedule.due)
        if try await PMGeneration.query(on: app.db).filter(\.$scheduleID == scheduleID).filter(\.$dueKey == key).count() > 0 { return nil }
        let principal = Principal.system(actorName, organizationID: schedule.organizationID)
        let context = AuditContext(actor: principal.auditActor, requestID: nil, clientAddress: nil, seal: app.auditSeal)
        return try await app.perform { db -> Outcome<UUID> in
            var input = WorkOrderInput()
            input.title = schedule.title
            input.description = .some(schedule.details)
            input.type = schedule.type
            input.priority = schedule.priority
            input.siteID = schedule.siteID
            input.assetID = .some(schedule.assetID)
            input.teamID = .some(schedule.teamID)
            input.assigneeIDs = schedule.assigneeIDs
            input.estimatedMinutes = .some(schedule.estimatedMinutes)
            input.dueAt = .some(dueAt)
            let made = try await WorkOrders.create(input: input, source: .pm, principal: principal, context: context, on: db) {
                $0.pmScheduleID = scheduleID
                $0.pmDueAt = dueAt
            }
            let workOrder = made.value
            let id = try workOrder.requireID()
            if let templateID = schedule.checklistTemplateID, let template = try await ChecklistTemplate.find(templateID, on: db) {
                _ = try await Checklists.append(template.items, to: workOrder, on: db)
            }
            let generation = PMGeneration()
            generation.organizationID = schedule.organizationID
            generation.scheduleID = scheduleID
            generation.dueKey = key
            generation.workOrderID = id
            try await generation.create(on: db)
            let generated = DomainEvent(
                .pmGenerated, organizationID: schedule.organizationID, entityID: scheduleID,
                data: ["workOrderId": id.uuidString, "siteId": schedule.siteID.uuidString])
            return Outcome(id, events: [generated] + made.events)
        }
    }
}

/// A PM schedule that cannot make its work order is an open alert (`pm_generation_failed`) at its site, one per
/// schedule with the latest reason, shown on `/alerts` and the admin page; it resolves itself once a run for the
/// schedule succeeds.
enum PMFailures {
    static func record(_ schedule: PMSchedule, error: any Error, app: Application) async throws {
        let scheduleID = try schedule.requireID()
        let message = "PM “\(schedule.title)” could not make its work order: \(commandMessage(error))"
        try await app.write { db in
            if let open = try await Alert.query(on: db).filter(\.$kind == .pmGenerationFailed).filter(\.$entityID == scheduleID)
                .filter(\.$status == .open).first()
            {
                open.message = String(message.prefix(1000))
                try await open.update(on: db)
                return
            }
            let alert = Alert()
            alert.organizationID = schedule.organizationID
            alert.kind = .pmGenerationFailed
            alert.status = .open
            alert.entityID = scheduleID
            alert.siteID = schedule.siteID
            alert.message = String(message.prefix(1000))
            try await alert.create(on: db)
        }
    }

    static func resolve(scheduleID: UUID, app: Application) async throws {
        try await app.write { db in
            try await Alert.query(on: db).filter(\.$kind == .pmGenerationFailed).filter(\.$entityID == scheduleID)
                .filter(\.$status == .open).set(\.$status, to: .resolved).set(\.$resolvedAt, to: Date()).update()
        }
    }
}

/// What completing a work order does beyond its own row: a PM work order moves its schedule on.
enum PMCompletion {
    static func workOrderCompleted(_ workOrder: WorkOrder, context: AuditContext, on db: any Database) async throws {
        guard let scheduleID = workOrder.pmScheduleID else { return }
        try await db.lockForUpdate(PMSchedule.schema, id: scheduleID)
        guard let schedule = try await PMSchedule.find(scheduleID, on: db), let trigger = schedule.trigger,
            let site = try await Site.find(schedule.siteID, on: db)
        else { return }
        // Completing an older PM order (after the schedule already moved on) changes nothing: the order must be the
        // one made for the schedule's current due point.
        let generation = try await PMGeneration.query(on: db).filter(\.$workOrderID == (try workOrder.requireID())).first()
        guard generation?.dueKey == PMGeneration.key(for: schedule.due) else { return }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: site.timeZone) ?? .gmt
        let reading = try await schedule.meterID.asyncFlatMap { try await Meter.find($0, on: db)?.lastValue }
        let before = schedule.dto
        // Both legs restart from the work done: the calendar leg from the date this order was due (for an order
        // its meter brought due, not the calendar date it came before), the meter leg from the reading now.
        let next = PMCalendar.nextDue(
            trigger: trigger, previous: PMDue(date: workOrder.pmDueAt ?? schedule.nextDueAt, reading: schedule.nextDueReading),
            completedAt: workOrder.completedAt ?? Date(), readingAtCompletion: reading, calendar: calendar)
        schedule.nextDueAt = next.date
        schedule.nextDueReading = next.reading
        schedule.version += 1
        try await schedule.update(on: db)
        try await AuditLog.record(
            "pm_schedule.advanced", entityType: PMSchedule.entityType, entityID: scheduleID, before: before, after: schedule.dto,
            organizationID: schedule.organizationID, context: context, on: db)
    }
}

/// Runs the PM job every `interval` while the server runs; stops with the app.
final class PMScheduler: LifecycleHandler, Sendable {
    let interval: Duration
    private let loop = BackgroundLoop()

    init(interval: Duration) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let interval = interval
        loop.start {
            while !Task.isCancelled {
                do {
                    // One pass at a time across replicas; the others skip their turn.
                    try await Singleton.run("pm.generate", app: application) { _ = try await PMGenerator.run(application) }
                } catch {
                    application.logger.error("PM job failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func shutdownAsync(_ application: Application) async { await loop.stop() }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async throws -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
