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
        try principal.require(.workOrdersRead)
        let table = PMSchedule.schema
        let select = try principal.select(PMSchedule.DTO.self, siteColumn: "site_id", on: db)
        if let assetID { select.where(table, "asset_id", is: assetID) }
        if let active { select.where(table, "active", is: active) }
        if let dueBefore { select.where(table, "next_due_at", .lessThan, dueBefore) }
        return try await select.page(parameters, sorts: sorts, as: PMSchedule.DTO.self)
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
