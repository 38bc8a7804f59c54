import Fluent
import Foundation
import Maintenance
import Vapor

/// Work-order operations shared by the API, requests, the PM job and text drafts.
enum WorkOrders {
    /// Who may be given work at a site: a member of this organization whose role works orders (not a requester
    /// or viewer) and who reaches the site. Problems under `field[index]`.
    static func assigneeProblems(
        _ ids: [UUID], siteID: UUID, principal: Principal, field: String = "assigneeIds", on db: any Database
    ) async throws -> [FieldProblem] {
        let members = try await principal.query(Membership.self, on: db).filter(\.$user.$id ~~ ids).all()
        let byUser = Dictionary(members.map { ($0.$user.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [FieldProblem] = []
        for (index, id) in ids.enumerated() {
            guard let member = byUser[id] else {
                problems.append(FieldProblem(field: "\(field)[\(index)]", message: "is not a member of this organization"))
                continue
            }
            if !member.role.permissions.contains(.workOrdersWork) {
                problems.append(
                    FieldProblem(field: "\(field)[\(index)]", message: "is a \(member.role.rawValue), who cannot work on work orders"))
            } else if !(member.siteIDs.map { $0.contains(siteID) } ?? true) {
                problems.append(FieldProblem(field: "\(field)[\(index)]", message: "cannot reach this work order's site"))
            }
        }
        return problems
    }

    /// Whether the title or description reads as an emergency (fire, injury, unsafe, gas leak…).
    static func safetyConcern(title: String, description: String?) -> Bool {
        WorkOrderTextParser.draft(from: [title, description ?? ""].joined(separator: ". "), assets: []).type == .emergency
    }

    /// A new work order with the next number, audited, and its created event. Call inside
    /// ``Vapor/Request/write(_:)`` (or ``Vapor/Request/perform(_:)``).
    static func create(
        input: WorkOrderInput, source: WorkOrder.Source, principal: Principal, context: AuditContext, on db: any Database,
        configure: (WorkOrder) -> Void = { _ in }
    ) async throws -> Outcome<WorkOrder> {
        let workOrder = WorkOrder()
        workOrder.organizationID = principal.organizationID
        workOrder.title = ""
        workOrder.type = .corrective
        workOrder.priority = .medium
        workOrder.status = .open
        workOrder.source = source
        workOrder.assigneeIDs = []
        workOrder.createdByUserID = principal.userID
        workOrder.version = 1
        workOrder.siteID = input.siteID ?? UUID()
        try await input.apply(to: workOrder, principal: principal, on: db)
        // A person at risk comes first: with no priority given, a text that names a safety hazard or an injury
        // (the text parser's safety words, negation respected: "nobody hurt" is not one) is critical.
        if input.priority == nil, safetyConcern(title: workOrder.title, description: workOrder.details) { workOrder.priority = .critical }
        configure(workOrder)
        workOrder.number = try await Counter.next("work_order", organizationID: principal.organizationID, on: db)
        try await workOrder.insert(on: db)
        try await AuditLog.record(
            "work_order.created", entityType: WorkOrder.entityType, entityID: workOrder.id, after: workOrder.dto,
            organizationID: principal.organizationID, context: context, on: db)
        return Outcome(workOrder, events: [.workOrderCreated(workOrder.dto, organizationID: principal.organizationID)])
    }

    /// Reads a new work order from `body` and makes it through `request`: the API's create and the
    /// new-work-order page share it.
    static func create(from body: inout JSONBody, principal: Principal, through request: Request) async throws -> WorkOrder.DTO {
        let input = try await WorkOrderInput(body: &body, creating: true, principal: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.perform { db in
            try await create(input: input, source: input.source ?? .manual, principal: principal, context: context, on: db).map(\.dto)
        }
    }
}

extension WorkOrders {
    /// Whether the person is assigned to the work order, directly or through its team.
    static func isAssigned(_ userID: UUID?, to workOrder: WorkOrder, on db: any Database) async throws -> Bool {
        guard let userID else { return false }
        if workOrder.assigneeIDs.contains(userID) { return true }
        guard let teamID = workOrder.teamID, let team = try await Team.find(teamID, on: db) else { return false }
        return team.memberIDs.contains(userID)
    }

    /// The work order, if the principal may record work on it: managers always; people who work orders when
    /// assigned (directly or by team). Cancelled orders take nothing more.
    static func workable(_ request: Request, on db: any Database, assignedOnly: Bool = true) async throws -> WorkOrder {
        try await workable(request.pathID("workOrderID"), principal: request.principal, on: db, assignedOnly: assignedOnly)
    }

    /// ``workable(_:on:assignedOnly:)`` for the work order `id`.
    static func workable(_ id: UUID, principal: Principal, on db: any Database, assignedOnly: Bool = true) async throws -> WorkOrder {
        try principal.require(.workOrdersRead)
        let workOrder = try await principal.findInSite(WorkOrder.self, id, on: db)
        guard workOrder.status != .cancelled else { throw AppError.conflict("This work order is cancelled.") }
        if principal.can(.workOrdersManage) { return workOrder }
        try principal.require(.workOrdersWork)
        guard assignedOnly else { return workOrder }
        guard try await isAssigned(principal.userID, to: workOrder, on: db) else {
            throw AppError.forbidden("Only managers and the people assigned to this work order may record work on it.")
        }
        return workOrder
    }

    static func readable(_ request: Request) async throws -> WorkOrder {
        try await readable(request.pathID("workOrderID"), principal: request.principal, on: request.db)
    }

    /// The work order `id`, if the principal may read it (its site is theirs).
    static func readable(_ id: UUID, principal: Principal, on db: any Database) async throws -> WorkOrder {
        try principal.require(.workOrdersRead)
        return try await principal.findInSite(WorkOrder.self, id, on: db)
    }
}

extension DomainEvent {
    static func workOrderCreated(_ workOrder: WorkOrder.DTO, organizationID: UUID) -> DomainEvent {
        DomainEvent(
            .workOrderCreated, organizationID: organizationID, entityID: workOrder.id,
            data: ["number": workOrder.number, "siteId": workOrder.siteId.uuidString])
    }
}
