import Fluent
import Foundation
import Maintenance
import Vapor

/// Checklist operations shared by the API, the pages and the PM job.
enum Checklists {
    /// Copies tasks onto a work order, after its existing ones. Meter tasks must name a meter of its asset.
    static func append(_ specs: [TaskSpec], to workOrder: WorkOrder, on db: any Database) async throws -> [WorkOrderTask] {
        let workOrderID = try workOrder.requireID()
        var problems: [FieldProblem] = []
        for (index, spec) in specs.enumerated() where spec.kind == .meterReading {
            let meter = try await spec.meterId.asyncFlatMap { try await Meter.find($0, on: db) }
            if meter == nil || meter?.assetID != workOrder.assetID || meter?.organizationID != workOrder.organizationID {
                problems.append(FieldProblem(field: "items[\(index)].meterId", message: "is not a meter of the work order's asset"))
            }
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let start = (try await WorkOrderTask.query(on: db).filter(\.$workOrderID == workOrderID).max(\.$position) ?? 0) + 1
        var created: [WorkOrderTask] = []
        for (offset, spec) in specs.enumerated() {
            let task = WorkOrderTask()
            task.organizationID = workOrder.organizationID
            task.workOrderID = workOrderID
            task.position = start + offset
            task.specJSON = try AuditLog.snapshot(spec)
            task.result = .pending
            try await task.create(on: db)
            created.append(task)
        }
        return created
    }

    /// Records a task's result: `done`, `value`, `text`, `result` (pass/flag/fail) or `choice`, by kind. A number
    /// outside its limits is flagged; a meter task records a real reading (monotonic rules apply).
    static func record(
        _ taskID: UUID, on workOrderID: UUID, from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> WorkOrderTask.DTO {
        _ = try await WorkOrders.readable(workOrderID, principal: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["done", "value", "text", "result", "choice"])
        let done = body.bool("done")
        let value = body.double("value")
        let text = body.string("text", maxLength: 4000)
        let result = body.enumValue("result", WorkOrderTask.Result.self)
        let choice = body.string("choice", maxLength: 200)
        try body.validate()
        let context = try request.auditContext(principal)
        return try await request.write { db -> WorkOrderTask.DTO in
            let workOrder = try await WorkOrders.workable(workOrderID, principal: principal, on: db)
            guard !workOrder.status.isFinal else {
                throw AppError.conflict("A \(workOrder.status.rawValue) work order's checklist is closed.")
            }
            let task = try await principal.find(WorkOrderTask.self, taskID, on: db)
            guard task.workOrderID == workOrder.id else { throw AppError.notFound("No such task.") }
            let before = task.dto
            let spec = task.spec
            switch spec.kind {
            case .subtask:
                guard let done else { throw AppError.invalid("done", "is required for a subtask") }
                task.result = done ? .done : .pending
            case .text:
                guard let text else { throw AppError.invalid("text", "is required for a text task") }
                task.text = text
                task.result = .done
            case .number, .meterReading:
                guard let value else { throw AppError.invalid("value", "is required for a \(spec.kind.rawValue) task") }
                let outside = (spec.minimum.map { value < $0 } ?? false) || (spec.maximum.map { value > $0 } ?? false)
                task.value = value
                task.result = outside ? .flag : .done
                if spec.kind == .meterReading, let meterID = spec.meterId {
                    try await db.lockForUpdate(Meter.schema, id: meterID)
                    guard let meter = try await Meter.find(meterID, on: db) else {
                        throw AppError.invalid("value", "has no meter to record")
                    }
                    let reading = try await MeterReadings.record(
                        value: value, at: Date(), on: meter, userID: principal.userID, workOrderID: workOrder.id, source: "checklist",
                        db: db)
                    task.meterReadingID = reading.id
                }
            case .passFlagFail:
                guard let result, [.pass, .flag, .fail].contains(result) else {
                    throw AppError.invalid("result", "must be pass, flag or fail")
                }
                task.result = result
                task.text = text ?? task.text
            case .multipleChoice:
                guard let choice, spec.choices?.contains(choice) == true else {
                    throw AppError.invalid("choice", "must be one of \((spec.choices ?? []).joined(separator: ", "))")
                }
                task.choice = choice
                task.result = .done
            }
            task.completedByUserID = task.result == .pending ? nil : principal.userID
            task.completedAt = task.result == .pending ? nil : Date()
            try await task.update(on: db)
            try await AuditLog.record(
                "task.recorded", entityType: "work_order_task", entityID: taskID, before: before, after: task.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return task.dto
        }
    }
}
