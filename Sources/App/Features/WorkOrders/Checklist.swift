import Fluent
import Foundation
import Vapor

/// What one checklist item asks for, and its limits or choices.
struct TaskSpec: Codable, Sendable, Equatable {
    enum Kind: String, Codable, CaseIterable, Sendable {
        /// Tick when done.
        case subtask
        /// A number, optionally with limits; outside them the task is flagged.
        case number
        case text
        /// Pass, flag or fail: an inspection point.
        case passFlagFail = "pass_flag_fail"
        case multipleChoice = "multiple_choice"
        /// A reading of one of the asset's meters, recorded as a real meter reading.
        case meterReading = "meter_reading"
    }

    var kind: Kind
    var label: String
    var required: Bool
    var minimum: Double?
    var maximum: Double?
    var unit: String?
    var choices: [String]?
    var meterId: UUID?

    /// Reads one item of a template or a task body into `parent`, its problems and its meter under `field`.
    static func read(_ value: JSONValue, field: String, into parent: inout JSONBody) -> TaskSpec? {
        guard case .object(let object) = value else {
            parent.add(field, "must be an object")
            return nil
        }
        var body = JSONBody(values: object)
        body.rejectUnknown(allowed: ["kind", "label", "required", "minimum", "maximum", "unit", "choices", "meterId"])
        let kind = body.enumValue("kind", Kind.self, required: true)
        let label = body.string("label", required: true, maxLength: 500)
        let required = body.bool("required") ?? false
        let minimum = body.double("minimum")
        let maximum = body.double("maximum")
        let unit = body.string("unit", maxLength: 20)
        let choices = body.stringArray("choices", maxCount: 20)
        let meterID = body.reference("meterId", .meter)
        if let minimum, let maximum, maximum < minimum { body.add("maximum", "is below the minimum") }
        if kind == .multipleChoice, (choices ?? []).count < 2 { body.add("choices", "must list at least two choices") }
        if kind == .meterReading, meterID == nil { body.add("meterId", "is required for a meter reading") }
        parent.adopt(body, at: field)
        guard let kind, let label, body.problems.isEmpty else { return nil }
        return TaskSpec(
            kind: kind, label: label, required: required, minimum: minimum, maximum: maximum, unit: unit, choices: choices, meterId: meterID
        )
    }
}

/// A reusable checklist: inspection rounds, PM procedures.
final class ChecklistTemplate: Model, VersionedModel, @unchecked Sendable {
    static let schema = "checklist_templates"
    static let entityType = "checklist_template"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    /// JSON array of ``TaskSpec``.
    @Field(key: "items") var itemsJSON: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<ChecklistTemplate, FieldProperty<ChecklistTemplate, UUID>> { \.$organizationID }

    init() {}

    var items: [TaskSpec] { Self.items(json: itemsJSON) }

    /// Stored items; a list that no longer reads is empty.
    static func items(json: String) -> [TaskSpec] { (try? JSONDecoder().decode([TaskSpec].self, from: Data(json.utf8))) ?? [] }

    struct DTO: Content, Equatable {
        var id: UUID
        var name: String
        var items: [TaskSpec]
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), name: name, items: items, version: version, createdAt: createdAt, updatedAt: updatedAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _name, _itemsJSON, _version, _createdAt, _updatedAt] }
}

/// One checklist item on a work order, and its result.
final class WorkOrderTask: Model, TenantModel, @unchecked Sendable {
    static let schema = "work_order_tasks"

    enum Result: String, Codable, CaseIterable, Sendable {
        case pending, done, pass, flag, fail
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "position") var position: Int
    /// JSON of the ``TaskSpec``.
    @Field(key: "spec") var specJSON: String
    @Field(key: "result") var result: Result
    @OptionalField(key: "value") var value: Double?
    @OptionalField(key: "text") var text: String?
    @OptionalField(key: "choice") var choice: String?
    @OptionalField(key: "completed_by_user_id") var completedByUserID: UUID?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "meter_reading_id") var meterReadingID: UUID?
    @OptionalField(key: "follow_up_work_order_id") var followUpWorkOrderID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<WorkOrderTask, FieldProperty<WorkOrderTask, UUID>> { \.$organizationID }

    init() {}

    var spec: TaskSpec { Self.spec(json: specJSON) }

    /// A stored spec; one that no longer reads is an empty subtask.
    static func spec(json: String) -> TaskSpec {
        (try? JSONDecoder().decode(TaskSpec.self, from: Data(json.utf8)))
            ?? TaskSpec(kind: .subtask, label: "", required: false, minimum: nil, maximum: nil, unit: nil, choices: nil, meterId: nil)
    }

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID
        var position: Int
        var kind: TaskSpec.Kind
        var label: String
        var required: Bool
        var minimum: Double?
        var maximum: Double?
        var unit: String?
        var choices: [String]?
        var meterId: UUID?
        var result: Result
        var value: Double?
        var text: String?
        var choice: String?
        var completedByUserId: UUID?
        var completedAt: Date?
        var meterReadingId: UUID?
        var followUpWorkOrderId: UUID?
    }

    var dto: DTO {
        let spec = self.spec
        return DTO(
            id: id ?? UUID(), workOrderId: workOrderID, position: position, kind: spec.kind, label: spec.label, required: spec.required,
            minimum: spec.minimum, maximum: spec.maximum, unit: spec.unit, choices: spec.choices, meterId: spec.meterId, result: result,
            value: value, text: text, choice: choice, completedByUserId: completedByUserID, completedAt: completedAt,
            meterReadingId: meterReadingID, followUpWorkOrderId: followUpWorkOrderID)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _workOrderID, _position, _specJSON, _result, _value, _text, _choice, _completedByUserID, _completedAt,
            _meterReadingID, _followUpWorkOrderID, _createdAt,
        ]
    }
}
