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
}
