import Fluent
import Foundation
import Maintenance
import Vapor

/// Preventive maintenance on an asset: what to do, how often (calendar, meter or whichever first), and when
/// it is next due. The PM job turns due schedules into work orders.
final class PMSchedule: Model, SiteOwned, @unchecked Sendable {
    static let schema = "pm_schedules"
    static let entityType = "pm_schedule"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "site_id") var siteID: UUID
    @Field(key: "asset_id") var assetID: UUID
    @Field(key: "title") var title: String
    @OptionalField(key: "description") var details: String?
    @Field(key: "type") var type: WorkOrderType
    @Field(key: "priority") var priority: WorkOrderPriority
    @OptionalField(key: "calendar_every") var calendarEvery: Int?
    @OptionalField(key: "calendar_unit") var calendarUnit: CalendarInterval.Unit?
    @OptionalField(key: "calendar_basis") var calendarBasis: CalendarInterval.Basis?
    @OptionalField(key: "meter_id") var meterID: UUID?
    @OptionalField(key: "meter_every") var meterEvery: Double?
    /// The work order is created this many days before the due date.
    @Field(key: "lead_days") var leadDays: Int
    @OptionalField(key: "next_due_at") var nextDueAt: Date?
    @OptionalField(key: "next_due_reading") var nextDueReading: Double?
    @Field(key: "assignee_ids") var assigneeIDs: [UUID]
    @OptionalField(key: "team_id") var teamID: UUID?
    @OptionalField(key: "estimated_minutes") var estimatedMinutes: Int?
    @Field(key: "active") var active: Bool
    /// Its tasks are copied onto each generated work order.
    @OptionalField(key: "checklist_template_id") var checklistTemplateID: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<PMSchedule, FieldProperty<PMSchedule, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<PMSchedule, FieldProperty<PMSchedule, UUID>> { \.$siteID }

    init() {}

    var trigger: PMTrigger? {
        Self.trigger(
            calendarEvery: calendarEvery, calendarUnit: calendarUnit, calendarBasis: calendarBasis, meterID: meterID, meterEvery: meterEvery
        )
    }

    /// The trigger its stored columns describe: a calendar interval, a meter interval, both (whichever first), or none.
    static func trigger(
        calendarEvery: Int?, calendarUnit: CalendarInterval.Unit?, calendarBasis: CalendarInterval.Basis?, meterID: UUID?,
        meterEvery: Double?
    ) -> PMTrigger? {
        let calendar = calendarEvery.flatMap { every in
            calendarUnit.map { CalendarInterval(every: every, unit: $0, basis: calendarBasis ?? .scheduled) }
        }
        let meter = meterID.flatMap { meterID in meterEvery.map { MeterInterval(meterID: meterID, every: $0) } }
        switch (calendar, meter) {
        case (let calendar?, let meter?): return .whicheverFirst(calendar, meter)
        case (let calendar?, nil): return .calendar(calendar)
        case (nil, let meter?): return .meter(meter)
        case (nil, nil): return nil
        }
    }

    var due: PMDue { PMDue(date: nextDueAt, reading: nextDueReading) }

    struct DTO: Content, Equatable {
        struct Calendar: Content, Equatable {
            var every: Int
            var unit: CalendarInterval.Unit
            var basis: CalendarInterval.Basis
        }

        struct Meter: Content, Equatable {
            var meterId: UUID
            var every: Double
        }

        var id: UUID
        var siteId: UUID
        var assetId: UUID
        var title: String
        var description: String?
        var type: WorkOrderType
        var priority: WorkOrderPriority
        var calendar: Calendar?
        var meter: Meter?
        var leadDays: Int
        var nextDueAt: Date?
        var nextDueReading: Double?
        var assigneeIds: [UUID]
        var teamId: UUID?
        var estimatedMinutes: Int?
        var active: Bool
        var checklistTemplateId: UUID?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        let trigger = self.trigger
        return DTO(
            id: id ?? UUID(), siteId: siteID, assetId: assetID, title: title, description: details, type: type, priority: priority,
            calendar: DTO.Calendar(trigger?.calendar), meter: DTO.Meter(trigger?.meter), leadDays: leadDays, nextDueAt: nextDueAt,
            nextDueReading: nextDueReading,
            assigneeIds: assigneeIDs, teamId: teamID, estimatedMinutes: estimatedMinutes, active: active,
            checklistTemplateId: checklistTemplateID, version: version,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _siteID, _assetID, _title, _details, _type, _priority, _calendarEvery, _calendarUnit, _calendarBasis,
            _meterID, _meterEvery, _leadDays, _nextDueAt, _nextDueReading, _assigneeIDs, _teamID, _estimatedMinutes, _active,
            _checklistTemplateID, _version, _createdAt, _updatedAt,
        ]
    }
}

extension PMSchedule.DTO.Calendar {
    init?(_ interval: CalendarInterval?) {
        guard let interval else { return nil }
        self.init(every: interval.every, unit: interval.unit, basis: interval.basis)
    }
}

extension PMSchedule.DTO.Meter {
    init?(_ interval: MeterInterval?) {
        guard let interval else { return nil }
        self.init(meterId: interval.meterID, every: interval.every)
    }
}

/// One due point of a schedule that has had its work order. The unique key makes generation exactly-once,
/// across restarts and across replicas: a second attempt for the same due point fails to insert.
final class PMGeneration: Model, @unchecked Sendable {
    static let schema = "pm_generations"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "pm_schedule_id") var scheduleID: UUID
    /// `date=<iso>;reading=<value>` of the due point.
    @Field(key: "due_key") var dueKey: String
    @Field(key: "work_order_id") var workOrderID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    static func key(for due: PMDue) -> String {
        "date=\(due.date.map { AuditChain.timestamp($0) } ?? "-");reading=\(due.reading.map { String($0) } ?? "-")"
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _scheduleID, _dueKey, _workOrderID, _createdAt] }
}
