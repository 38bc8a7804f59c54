import Fluent
import Maintenance
import Vapor

extension WorkOrderController {
    /// `POST /work-orders/{id}/<action>`: one move of the state machine, with what it needs in the body
    /// (`reason`; for `complete`, `resolutionNote` and failure codes). An impossible move answers 409 naming
    /// the possible ones.
    static func transition(_ request: Request, action: WorkOrderAction) async throws -> Response {
        let dto = try await WorkOrders.move(
            try request.pathID("workOrderID"), action, body: { try JSONBody.optional(request) }, expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await dto.response(version: dto.version, for: request)
    }
}

extension WorkOrders {
    /// Checks, reads and makes one move through `request`: the API's action and the page's forms (status, board)
    /// share it. `body` is read only once the person may move the order at all.
    static func move(
        _ id: UUID, _ action: WorkOrderAction, body: () throws -> JSONBody, expected: [String], principal: Principal,
        through request: Request
    ) async throws -> WorkOrder.DTO {
        try await checkMayMove(id, action, principal: principal, on: request.db)
        var body = try body()
        let move = try await Move(id, action, body: &body, principal: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.perform { db in
            try await transition(move, expected: expected, principal: principal, context: context, on: db)
        }
    }

    /// One move of a work order: the action and what was sent with it, read and checked before the write.
    struct Move: Sendable {
        var id: UUID
        var action: WorkOrderAction
        var sent: WorkOrderMove.Sent

        init(_ id: UUID, _ action: WorkOrderAction, body: inout JSONBody, principal: Principal, on db: any Database) async throws {
            body.rejectUnknown(allowed: ["reason", "resolutionNote", "problemCodeId", "causeCodeId", "remedyCodeId"])
            self.id = id
            self.action = action
            sent = WorkOrderMove.Sent(
                reason: body.string("reason", maxLength: 2000), resolutionNote: body.string("resolutionNote", maxLength: 10_000),
                codes: .init(
                    problem: body.reference("problemCodeId", .failureCode), cause: body.reference("causeCodeId", .failureCode),
                    remedy: body.reference("remedyCodeId", .failureCode)))
            try await body.validate(for: principal, on: db)
        }
    }

    /// Who may move a work order at all, before anything sent is read: a reader of its site who works or manages
    /// orders; cancelling is also open to its requester (the state machine decides).
    static func checkMayMove(_ id: UUID, _ action: WorkOrderAction, principal: Principal, on db: any Database) async throws {
        try principal.require(.workOrdersRead)
        _ = try await principal.findInSite(WorkOrder.self, id, on: db)
        guard principal.can(.workOrdersWork) || principal.can(.workOrdersManage) || action == .cancel else {
            throw AppError.forbidden("This requires the permission work-orders:work.")
        }
    }

    /// One move of the state machine, in the write transaction: who may take it and what it needs
    /// (``WorkOrderStateMachine``), its side rules (``WorkOrderMove``), the audit event, and what completing or
    /// finishing does elsewhere (PM completion, downtime, held parts). Answers 409 naming the possible moves for
    /// an impossible one; `expected` is the version the change was made from (412 when stale).
    static func transition(
        _ move: Move, expected: [String], principal: Principal, context: AuditContext, on db: any Database
    ) async throws -> Outcome<WorkOrder.DTO> {
        let (id, action, sent) = (move.id, move.action, move.sent)
        try await db.lockForUpdate(WorkOrder.schema, id: id)
        let workOrder = try await principal.findInSite(WorkOrder.self, id, on: db)
        try ETag.check(expected: expected, currentVersion: workOrder.version)
        guard let organization = try await OrganizationDTO.find(id: principal.organizationID, on: db) else {
            throw AppError.notFound("No such organization.")
        }
        let assigned = try await isAssigned(principal.userID, to: workOrder, on: db)
        let claim = WorkOrderMove.isClaim(action, assigneeIDs: workOrder.assigneeIDs, teamID: workOrder.teamID, by: principal.userID)
        let machineContext = WorkOrderStateMachine.Context(
            isManager: principal.can(.workOrdersManage), isAssignee: principal.can(.workOrdersWork) && (assigned || claim),
            isRequester: principal.userID != nil && principal.userID == workOrder.requestedByUserID,
            hasResolutionNote: sent.resolutionNote != nil, hasFailureCodes: sent.codes.isComplete,
            organizationRequiresFailureCodes: organization.settings.requireFailureCodes, hasReason: sent.reason != nil)
        let from = workOrder.status
        let to: WorkOrderStatus
        // The codes' own problems are listed with what the move still needs, in one answer.
        let codeProblems =
            action == .complete ? try await failureCodeProblems(sent.codes, workOrder: workOrder, on: db) : []
        switch WorkOrderStateMachine.transition(action, from: from, context: machineContext) {
        case .success(let status): to = status
        case .failure(let error):
            if case .validation(let missing) = error.appError { throw AppError.validation(codeProblems + missing) }
            throw error.appError
        }
        if !codeProblems.isEmpty { throw AppError.validation(codeProblems) }
        let before = workOrder.dto
        if action == .complete {
            let items = try await WorkOrderTask.query(on: db).filter(\.$workOrderID == id).filter(\.$result == .pending).all().map {
                WorkOrderMove.ChecklistItem(label: $0.spec.label, required: $0.spec.required, done: false)
            }
            let open = WorkOrderMove.blockingItems(items)
            if !open.isEmpty {
                throw AppError.invalid(
                    "tasks", "\(open.count) required checklist item(s) are not done: \(open.map(\.label).joined(separator: "; "))")
            }
        }
        workOrder.moveFields = WorkOrderMove.apply(
            action, to: workOrder.moveFields, sent: sent, by: principal.userID, claim: claim, now: Date())
        workOrder.status = to
        workOrder.version += 1
        try await workOrder.update(on: db)
        try await AuditLog.record(
            "work_order.\(action.rawValue)", entityType: WorkOrder.entityType, entityID: id, before: before, after: workOrder.dto,
            organizationID: principal.organizationID, context: context, on: db)
        if action == .complete {
            try await PMCompletion.workOrderCompleted(workOrder, context: context, on: db)
            try await Downtimes.endOpen(of: workOrder, at: workOrder.completedAt ?? Date(), context: context, on: db)
        }
        if WorkOrderMove.releasesReservations(to: to) {
            let held = try await Reservation.query(on: db).filter(\.$workOrderID == id).all()
            try await Stock.releaseAll(held, on: db)
        }
        let dto = workOrder.dto
        var events = [
            DomainEvent(
                .workOrderStatusChanged, organizationID: principal.organizationID, entityID: id,
                data: ["from": from.rawValue, "to": to.rawValue, "number": dto.number, "siteId": dto.siteId.uuidString])
        ]
        if action == .complete {
            events.append(
                DomainEvent(
                    .workOrderCompleted, organizationID: principal.organizationID, entityID: id,
                    data: ["number": dto.number, "siteId": dto.siteId.uuidString]))
        }
        return Outcome(dto, events: events)
    }
}

extension WorkOrder {
    /// The fields a move of the state machine may change, as the pure rules see them.
    var moveFields: WorkOrderMove.Fields {
        get {
            WorkOrderMove.Fields(
                assigneeIDs: assigneeIDs, startedAt: startedAt, completedAt: completedAt, completedByUserID: completedByUserID,
                statusReason: statusReason, resolutionNote: resolutionNote,
                codes: .init(problem: problemCodeID, cause: causeCodeID, remedy: remedyCodeID))
        }
        set {
            assigneeIDs = newValue.assigneeIDs
            startedAt = newValue.startedAt
            completedAt = newValue.completedAt
            completedByUserID = newValue.completedByUserID
            statusReason = newValue.statusReason
            resolutionNote = newValue.resolutionNote
            problemCodeID = newValue.codes.problem
            causeCodeID = newValue.codes.cause
            remedyCodeID = newValue.codes.remedy
        }
    }
}

extension WorkOrders {
    /// Each given code is one of the organization's, of the right category, and for the kind of the order's
    /// asset (or for every kind).
    static func failureCodeProblems(
        _ codes: WorkOrderMove.FailureCodes, workOrder: WorkOrder, on db: any Database
    ) async throws -> [FieldProblem] {
        var problems: [FieldProblem] = []
        let kind = try await workOrder.assetID.asyncFlatMap { try await Asset.find($0, on: db)?.kind }
        for (field, id, category) in [
            ("problemCodeId", codes.problem, FailureCode.Category.problem), ("causeCodeId", codes.cause, .cause),
            ("remedyCodeId", codes.remedy, .remedy),
        ] {
            guard let id else { continue }
            let code = try await FailureCode.query(on: db).filter(\.$organizationID == workOrder.organizationID).filter(\.$id == id).first()
            if code?.category != category {
                problems.append(FieldProblem(field: field, message: "is not a \(category.rawValue) code of this organization"))
            } else if let codeKind = code?.assetKind, codeKind != kind {
                problems.append(
                    FieldProblem(field: field, message: "is a code for \(codeKind.rawValue) assets, and this work order's asset is not one")
                )
            }
        }
        return problems
    }
}

extension TransitionError {
    /// 409 for a move the state machine does not allow (naming the allowed ones), 403 for a person who may
    /// not, 422 for what is missing.
    var appError: AppError {
        switch self {
        case .illegal(let action, let from, let allowed):
            let options = allowed.isEmpty ? "none: it is final" : allowed.map(\.rawValue).joined(separator: ", ")
            return .illegalTransition(
                "A work order that is \(from.rawValue) cannot \(action.rawValue). Allowed now: \(options).",
                allowed: allowed.map(\.rawValue))
        case .notPermitted(let action, let who):
            let whom =
                switch who {
                case .manager: "managers"
                case .managerOrAssignee: "managers and the people assigned to it"
                case .managerOrOwnRequest: "managers, and its requester while it is still a request"
                }
            return .forbidden("Only \(whom) may \(action.rawValue) this work order.")
        case .missing(_, let requirements):
            return .validation(
                requirements.flatMap { requirement -> [FieldProblem] in
                    switch requirement {
                    case .reason: [FieldProblem(field: "reason", message: "is required for this action")]
                    case .resolutionNote: [FieldProblem(field: "resolutionNote", message: "is required to complete a work order")]
                    case .failureCodes:
                        ["problemCodeId", "causeCodeId", "remedyCodeId"].map {
                            FieldProblem(field: $0, message: "is required: this organization records failure codes on completion")
                        }
                    }
                })
        }
    }
}
