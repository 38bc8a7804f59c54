import Fluent
import Maintenance
import Vapor

/// `/checklist-templates` and `/work-orders/{id}/tasks`: checklists and their results.
struct ChecklistController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let templates = routes.grouped("checklist-templates")
        templates.get(use: Self.listTemplates)
        templates.post(use: Self.createTemplate)
        templates.get(":checklistTemplateID", use: Self.showTemplate)
        templates.patch(":checklistTemplateID", use: Self.updateTemplate)
        templates.delete(":checklistTemplateID", use: Self.deleteTemplate)
        let tasks = routes.grouped("work-orders", ":workOrderID", "tasks")
        tasks.get(use: Self.listTasks)
        tasks.post(use: Self.addTasks)
        tasks.patch(":taskID", use: Self.record)
        tasks.post(":taskID", "follow-up", use: Self.followUp)
    }

    @Sendable static func listTemplates(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Listing.respond(request, sorts: Checklists.templateSorts, defaultSort: "name", filename: "checklist-templates") {
            try await Checklists.templates($0, principal: principal, on: request.db)
        }
    }

    @Sendable static func showTemplate(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        return try await Resources.show(
            try await principal.find(ChecklistTemplate.self, request.pathID("checklistTemplateID"), on: request.db), for: request)
    }

    static func templateInput(_ request: Request, creating: Bool) async throws -> (name: String?, items: [TaskSpec]?) {
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "items"])
        let name = body.string("name", required: creating)
        var items: [TaskSpec]?
        if let raw = body.rawValue("items") {
            if case .array(let values) = raw, (1...200).contains(values.count) {
                items = values.enumerated().compactMap { TaskSpec.read($0.element, field: "items[\($0.offset)]", into: &body) }
            } else {
                body.add("items", "must be an array of 1 to 200 items")
            }
        } else if creating {
            body.add("items", "is required")
        }
        try await body.validate(for: request.principal, on: request.db)
        return (name, items)
    }

    @Sendable static func createTemplate(_ request: Request) async throws -> Response {
        try request.principal.require(.workOrdersManage)
        let (name, items) = try await templateInput(request, creating: true)
        return try await Resources.create(request, path: "checklist-templates") { _ in
            let template = ChecklistTemplate()
            template.name = name ?? ""
            template.itemsJSON = try AuditLog.snapshot(items ?? [])
            return template
        }
    }

    @Sendable static func updateTemplate(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersManage)
        let id = try request.pathID("checklistTemplateID")
        _ = try await principal.find(ChecklistTemplate.self, id, on: request.db)
        let (name, items) = try await templateInput(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(ChecklistTemplate.self, id, on: $0) }) { template, _ in
            if let name { template.name = name }
            if let items { template.itemsJSON = try AuditLog.snapshot(items) }
        }
    }

    @Sendable static func deleteTemplate(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.workOrdersManage)
        let id = try request.pathID("checklistTemplateID")
        return try await Resources.delete(request, load: { try await principal.find(ChecklistTemplate.self, id, on: $0) })
    }

    @Sendable static func listTasks(_ request: Request) async throws -> Response {
        try await WorkOrders.listEntries(
            request, WorkOrderTask.DTO.self, sorts: WorkOrderTask.sorts, defaultSort: "position", filename: "tasks")
    }

    /// `POST /work-orders/{id}/tasks` with `{templateId}` or `{items: [...]}`.
    @Sendable static func addTasks(_ request: Request) async throws -> Response {
        let principal = try request.principal
        _ = try await WorkOrders.readable(request)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["templateId", "items"])
        let templateID = body.reference("templateId", .checklistTemplate)
        var items: [TaskSpec] = []
        if case .array(let values)? = body.rawValue("items") {
            items = values.enumerated().compactMap { TaskSpec.read($0.element, field: "items[\($0.offset)]", into: &body) }
        } else if body.has("items") {
            body.add("items", "must be an array")
        }
        if templateID == nil, items.isEmpty, body.problems.isEmpty { body.add("templateId", "or items is required") }
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext
        let extra = items
        let created = try await request.write { db -> [WorkOrderTask.DTO] in
            let workOrder = try await WorkOrders.workable(request, on: db)
            guard !workOrder.status.isFinal else {
                throw AppError.conflict("A \(workOrder.status.rawValue) work order takes no new tasks.")
            }
            var specs = extra
            if let templateID {
                guard let template = try? await principal.find(ChecklistTemplate.self, templateID, on: db) else {
                    throw AppError.invalid("templateId", "is not a checklist template of this organization")
                }
                specs = template.items + specs
            }
            let tasks = try await Checklists.append(specs, to: workOrder, on: db)
            try await AuditLog.record(
                "tasks.added", entityType: WorkOrder.entityType, entityID: workOrder.id, after: tasks.map(\.dto),
                organizationID: principal.organizationID, context: context, on: db)
            return tasks.map(\.dto)
        }
        return try await created.encodeResponse(status: .created, for: request)
    }

    @Sendable static func record(_ request: Request) async throws -> Response {
        let task = try await Checklists.record(
            request.pathID("taskID"), on: request.pathID("workOrderID"), from: { try JSONBody(request) }, principal: request.principal,
            through: request)
        return try await task.encodeResponse(for: request)
    }

    /// `POST /work-orders/{id}/tasks/{taskId}/follow-up`: a failed or flagged item opens a corrective work order on
    /// the same asset, linked to its parent.
    @Sendable static func followUp(_ request: Request) async throws -> Response {
        let principal = try request.principal
        _ = try await WorkOrders.readable(request)
        try principal.require(.workOrdersCreate)
        let taskID = try request.pathID("taskID")
        let context = try request.auditContext
        let workOrderDTO = try await request.perform { db -> Outcome<WorkOrder.DTO> in
            let parent = try await principal.findInSite(WorkOrder.self, request.pathID("workOrderID"), on: db)
            let task = try await principal.find(WorkOrderTask.self, taskID, on: db)
            guard task.workOrderID == parent.id else { throw AppError.notFound("No such task.") }
            guard task.result == .fail || task.result == .flag else {
                throw AppError.conflict("Only a failed or flagged item opens a follow-up work order.")
            }
            guard task.followUpWorkOrderID == nil else { throw AppError.conflict("This item already has a follow-up work order.") }
            var input = WorkOrderInput()
            input.title = "Follow-up: \(task.spec.label)"
            input.description = .some("Raised from \(WorkOrder.displayNumber(parent.number)): \(task.text ?? task.spec.label)")
            input.type = .corrective
            input.priority = task.result == .fail ? .high : .medium
            input.siteID = parent.siteID
            input.assetID = .some(parent.assetID)
            let child = try await WorkOrders.create(
                input: input, source: .manual, principal: principal, context: context, on: db
            ) {
                $0.parentWorkOrderID = parent.id
            }
            task.followUpWorkOrderID = child.value.id
            try await task.update(on: db)
            return Outcome(child.value.dto, events: child.events)
        }
        return try await workOrderDTO.response(status: .created, version: workOrderDTO.version, for: request)
    }
}
