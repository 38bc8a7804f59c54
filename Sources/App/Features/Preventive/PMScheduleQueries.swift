import Fluent
import Foundation
import Maintenance
import SQLKit

extension PMSchedules {
    /// The sorts a schedule list offers (`?sort=`); a schedule with no due date sorts last by due date.
    static let sorts = [SortColumn("title", "title", .string), SortColumn("nextDueAt", "next_due_at", .date(missing: .distantFuture))]

    /// One page of the schedules at the sites the principal reaches; `assetID`, `active` and `dueBefore` narrow
    /// them. The API's list and the schedules page's.
    static func list(
        assetID: UUID? = nil, active: Bool? = nil, dueBefore: Date? = nil, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [PMSchedule.DTO], nextCursor: String?) {
        let table = PMSchedule.schema
        return try await principal.page(
            PMSchedule.DTO.self, requiring: .workOrdersRead, siteColumn: "site_id", parameters, sorts: sorts, on: db
        ) { select in
            if let assetID { select.where(table, "asset_id", is: assetID) }
            if let active { select.where(table, "active", is: active) }
            if let dueBefore { select.where(table, "next_due_at", .lessThan, dueBefore) }
        }
    }
}

extension PMSchedule.DTO: RowDecodable {
    static let table = PMSchedule.schema
    static let columns = [
        "id", "site_id", "asset_id", "title", "description", "type", "priority", "calendar_every", "calendar_unit", "calendar_basis",
        "meter_id", "meter_every", "lead_days", "next_due_at", "next_due_reading", "assignee_ids", "team_id", "estimated_minutes", "active",
        "checklist_template_id", "version", "created_at", "updated_at",
    ]

    init(row: RowReader) throws {
        let trigger = PMSchedule.trigger(
            calendarEvery: try row.optionalInt("calendar_every"), calendarUnit: try row.optionalEnum("calendar_unit"),
            calendarBasis: try row.optionalEnum("calendar_basis"), meterID: try row.optionalUUID("meter_id"),
            meterEvery: try row.optionalDouble("meter_every"))
        self.init(
            id: try row.uuid("id"), siteId: try row.uuid("site_id"), assetId: try row.uuid("asset_id"), title: try row.string("title"),
            description: try row.optionalString("description"), type: try row.enum("type"), priority: try row.enum("priority"),
            calendar: Calendar(trigger?.calendar), meter: Meter(trigger?.meter), leadDays: try row.int("lead_days"),
            nextDueAt: try row.optionalDate("next_due_at"), nextDueReading: try row.optionalDouble("next_due_reading"),
            assigneeIds: try row.uuids("assignee_ids"), teamId: try row.optionalUUID("team_id"),
            estimatedMinutes: try row.optionalInt("estimated_minutes"), active: try row.bool("active"),
            checklistTemplateId: try row.optionalUUID("checklist_template_id"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

/// The compliance report's reads: the PM work orders due in a period, their schedules' triggers and the readings
/// of the meters they count by, each in one query.
enum ComplianceRead {
    struct Order: RowDecodable {
        static let table = WorkOrder.schema
        static let columns = ["id", "pm_schedule_id", "pm_due_at", "completed_at"]
        var scheduleID: UUID?
        var dueAt: Date
        var completedAt: Date?

        init(row: RowReader) throws {
            (scheduleID, dueAt, completedAt) = (
                try row.optionalUUID("pm_schedule_id"), try row.date("pm_due_at"), try row.optionalDate("completed_at")
            )
        }
    }

    struct Trigger: RowDecodable {
        static let table = PMSchedule.schema
        static let columns = ["id", "calendar_every", "calendar_unit", "calendar_basis", "meter_id", "meter_every"]
        var id: UUID
        var trigger: PMTrigger?

        init(row: RowReader) throws {
            id = try row.uuid("id")
            trigger = PMSchedule.trigger(
                calendarEvery: try row.optionalInt("calendar_every"), calendarUnit: try row.optionalEnum("calendar_unit"),
                calendarBasis: try row.optionalEnum("calendar_basis"), meterID: try row.optionalUUID("meter_id"),
                meterEvery: try row.optionalDouble("meter_every"))
        }
    }

    struct Reading: RowDecodable {
        static let table = MeterReading.schema
        static let columns = ["id", "meter_id", "value", "read_at"]
        var meterID: UUID
        var at: Date
        var value: Double

        init(row: RowReader) throws {
            (meterID, at, value) = (try row.uuid("meter_id"), try row.date("read_at"), try row.double("value"))
        }
    }

    /// The PM work orders at the principal's sites due in `from`..<`to`, cancelled ones left out.
    static func orders(from: Date, to: Date, principal: Principal, on db: any Database) async throws -> [Order] {
        let table = WorkOrder.schema
        return try await principal.rows(Order.self, siteColumn: "site_id", orderedBy: "pm_due_at", limit: 1_000_000, on: db) {
            $0.where(table, "source", is: WorkOrder.Source.pm.rawValue).where(table, "pm_due_at", .greaterThanOrEqual, from)
                .where(table, "pm_due_at", .lessThan, to).where(table, "status", .notEqual, WorkOrderStatus.cancelled.rawValue)
        }
    }

    /// Each schedule's trigger, by id.
    static func triggers(of ids: Set<UUID>, principal: Principal, on db: any Database) async throws -> [UUID: PMTrigger] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await principal.rows(Trigger.self, orderedBy: "id", limit: ids.count, on: db) {
            $0.where(PlainColumn("id", table: PMSchedule.schema), .in, SQLBind.group(Array(ids)))
        }
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.trigger.map { (row.id, $0) } })
    }

    /// The readings of `meterIDs` from `from` to `to` (both included), by meter, oldest first.
    static func readings(of meterIDs: Set<UUID>, from: Date, to: Date, principal: Principal, on db: any Database) async throws
        -> [UUID: [(at: Date, value: Double)]]
    {
        guard !meterIDs.isEmpty else { return [:] }
        let table = MeterReading.schema
        let rows = try await principal.rows(Reading.self, orderedBy: "read_at", limit: 1_000_000, on: db) {
            $0.where(PlainColumn("meter_id", table: table), .in, SQLBind.group(Array(meterIDs)))
                .where(table, "read_at", .greaterThanOrEqual, from).where(table, "read_at", .lessThanOrEqual, to)
        }
        return Dictionary(grouping: rows, by: \.meterID).mapValues { $0.map { (at: $0.at, value: $0.value) } }
    }
}
