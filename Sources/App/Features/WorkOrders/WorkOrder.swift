import Fluent
import Foundation
import Maintenance
import Vapor

/// A piece of maintenance work: what, where, who, by when, and what it took.
final class WorkOrder: Model, SiteOwned, @unchecked Sendable {
    static let schema = "work_orders"
    static let entityType = "work_order"

    /// Where a work order came from.
    enum Source: String, Codable, CaseIterable, Sendable {
        case manual, request, pm, alert, diagnosis, text
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// Per organization, from 1: shown as `WO-000001`.
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @OptionalField(key: "description") var details: String?
    @Field(key: "type") var type: WorkOrderType
    @Field(key: "priority") var priority: WorkOrderPriority
    /// The priority's rank, for sorting (kept by ``WorkOrderPriorityRank``).
    @Field(key: "priority_rank") var priorityRank: Int
    @Field(key: "status") var status: WorkOrderStatus
    @Field(key: "source") var source: Source
    @Field(key: "site_id") var siteID: UUID
    @OptionalField(key: "asset_id") var assetID: UUID?
    @OptionalField(key: "location_id") var locationID: UUID?
    @OptionalField(key: "team_id") var teamID: UUID?
    @Field(key: "assignee_ids") var assigneeIDs: [UUID]
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "estimated_minutes") var estimatedMinutes: Int?
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @OptionalField(key: "requested_by_user_id") var requestedByUserID: UUID?
    @OptionalField(key: "resolution_note") var resolutionNote: String?
    /// Why it is on hold, was reopened or cancelled: the reason given with the last such transition.
    @OptionalField(key: "status_reason") var statusReason: String?
    @OptionalField(key: "problem_code_id") var problemCodeID: UUID?
    @OptionalField(key: "cause_code_id") var causeCodeID: UUID?
    @OptionalField(key: "remedy_code_id") var remedyCodeID: UUID?
    @OptionalField(key: "fault_codes") var faultCodes: [String]?
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "completed_by_user_id") var completedByUserID: UUID?
    @OptionalField(key: "pm_schedule_id") var pmScheduleID: UUID?
    @OptionalField(key: "pm_due_at") var pmDueAt: Date?
    @OptionalField(key: "parent_work_order_id") var parentWorkOrderID: UUID?
    /// The diagnosis this work order was made from.
    @OptionalField(key: "diagnosis_id") var diagnosisID: UUID?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<WorkOrder, FieldProperty<WorkOrder, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<WorkOrder, FieldProperty<WorkOrder, UUID>> { \.$siteID }

    init() {}

    /// `WO-` and the number, zero-padded to six digits (`String(format: "%06d")`, without its cost on every read).
    static func displayNumber(_ number: Int) -> String {
        let digits = String(number.magnitude)
        let padding = String(repeating: "0", count: max(0, (number < 0 ? 5 : 6) - digits.count))
        return "WO-" + (number < 0 ? "-" : "") + padding + digits
    }

    struct DTO: Content, Equatable {
        var id: UUID
        var number: String
        var title: String
        var description: String?
        var type: WorkOrderType
        var priority: WorkOrderPriority
        var status: WorkOrderStatus
        var allowedActions: [WorkOrderAction]
        var source: Source
        var siteId: UUID
        var assetId: UUID?
        var locationId: UUID?
        var teamId: UUID?
        var assigneeIds: [UUID]
        var dueAt: Date?
        var overdue: Bool
        var estimatedMinutes: Int?
        var createdByUserId: UUID?
        var requestedByUserId: UUID?
        var resolutionNote: String?
        var statusReason: String?
        var problemCodeId: UUID?
        var causeCodeId: UUID?
        var remedyCodeId: UUID?
        var faultCodes: [String]
        var startedAt: Date?
        var completedAt: Date?
        var completedByUserId: UUID?
        var pmScheduleId: UUID?
        var pmDueAt: Date?
        var parentWorkOrderId: UUID?
        var diagnosisId: UUID?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), number: Self.displayNumber(number), title: title, description: details, type: type, priority: priority,
            status: status, allowedActions: WorkOrderStateMachine.allowedActions(from: status), source: source, siteId: siteID,
            assetId: assetID, locationId: locationID, teamId: teamID, assigneeIds: assigneeIDs, dueAt: dueAt,
            overdue: !status.isFinal && (dueAt.map { $0 < Date() } ?? false), estimatedMinutes: estimatedMinutes,
            createdByUserId: createdByUserID, requestedByUserId: requestedByUserID, resolutionNote: resolutionNote,
            statusReason: statusReason, problemCodeId: problemCodeID, causeCodeId: causeCodeID, remedyCodeId: remedyCodeID,
            faultCodes: faultCodes ?? [], startedAt: startedAt, completedAt: completedAt, completedByUserId: completedByUserID,
            pmScheduleId: pmScheduleID, pmDueAt: pmDueAt, parentWorkOrderId: parentWorkOrderID, diagnosisId: diagnosisID, version: version,
            createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _number, _title, _details, _type, _priority, _priorityRank, _status, _source, _siteID, _assetID,
            _locationID, _teamID, _assigneeIDs, _dueAt, _estimatedMinutes, _createdByUserID, _requestedByUserID, _resolutionNote,
            _statusReason, _problemCodeID, _causeCodeID, _remedyCodeID, _faultCodes, _startedAt, _completedAt, _completedByUserID,
            _pmScheduleID, _pmDueAt, _parentWorkOrderID, _diagnosisID, _version, _createdAt, _updatedAt,
        ]
    }
}
