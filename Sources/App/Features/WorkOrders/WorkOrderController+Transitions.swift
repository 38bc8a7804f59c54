import Fluent
import Maintenance
import Vapor

extension WorkOrderController {
    /// `POST /work-orders/{id}/<action>`: one move of the state machine, with what it needs in the body
    /// (`reason`; for `complete`, `resolutionNote` and failure codes). An impossible move answers 409 naming
    /// the possible ones.
    static func transition(_ request: Request, action: WorkOrderAction) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let id = try request.pathID("workOrderID")
        _ = try await principal.findInSite(WorkOrder.self, id, on: request.db)
        guard principal.can(.workOrdersWork) || principal.can(.workOrdersManage) || action == .cancel else {
            throw AppError.forbidden("This requires the permission work-orders:work.")
        }
        var body = try JSONBody.optional(request)
        body.rejectUnknown(allowed: ["reason", "resolutionNote", "problemCodeId", "causeCodeId", "remedyCodeId"])
        let reason = body.string("reason", maxLength: 2000)
        let resolutionNote = body.string("resolutionNote", maxLength: 10_000)
        let codes = (
            problem: body.reference("problemCodeId", .failureCode), cause: body.reference("causeCodeId", .failureCode),
            remedy: body.reference("remedyCodeId", .failureCode)
        )
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext
        let (dto, from) = try await request.write { db -> (WorkOrder.DTO, WorkOrderStatus) in
            try await db.lockForUpdate(WorkOrder.schema, id: id)
            let workOrder = try await principal.findInSite(WorkOrder.self, id, on: db)
            try ETag.check(request, currentVersion: workOrder.version)
            guard let organization = try await Organization.find(principal.organizationID, on: db) else {
                throw AppError.notFound("No such organization.")
            }
            let assigned = try await WorkOrders.isAssigned(principal.userID, to: workOrder, on: db)
            // Anyone who works orders may pick up one that nobody has: starting it assigns them.
            let claimable = action == .start && workOrder.assigneeIDs.isEmpty && workOrder.teamID == nil && principal.userID != nil
            let hasCodes = codes.problem != nil && codes.cause != nil && codes.remedy != nil
            let machineContext = WorkOrderStateMachine.Context(
                isManager: principal.can(.workOrdersManage), isAssignee: principal.can(.workOrdersWork) && (assigned || claimable),
                isRequester: principal.userID != nil && principal.userID == workOrder.requestedByUserID,
                hasResolutionNote: resolutionNote != nil, hasFailureCodes: hasCodes,
                organizationRequiresFailureCodes: organization.requireFailureCodes, hasReason: reason != nil)
            let from = workOrder.status
            let to: WorkOrderStatus
            // The codes' own problems are listed with what the move still needs, in one answer.
            let codeProblems = action == .complete ? try await failureCodeProblems(codes, workOrder: workOrder, on: db) : []
            switch WorkOrderStateMachine.transition(action, from: from, context: machineContext) {
            case .success(let status): to = status
            case .failure(let error):
                if case .validation(let missing) = error.appError { throw AppError.validation(codeProblems + missing) }
                throw error.appError
            }
            if !codeProblems.isEmpty { throw AppError.validation(codeProblems) }
            let before = workOrder.dto
            if action == .complete {
                let open = try await WorkOrderTask.query(on: db).filter(\.$workOrderID == id).filter(\.$result == .pending).all()
                    .filter { $0.spec.required }
                if !open.isEmpty {
                    throw AppError.invalid(
                        "tasks", "\(open.count) required checklist item(s) are not done: \(open.map(\.spec.label).joined(separator: "; "))")
                }
                workOrder.problemCodeID = codes.problem ?? workOrder.problemCodeID
                workOrder.causeCodeID = codes.cause ?? workOrder.causeCodeID
                workOrder.remedyCodeID = codes.remedy ?? workOrder.remedyCodeID
                workOrder.resolutionNote = resolutionNote
                workOrder.completedAt = Date()
                workOrder.completedByUserID = principal.userID
            }
            if action == .start {
                if workOrder.startedAt == nil { workOrder.startedAt = Date() }
                if claimable, let userID = principal.userID { workOrder.assigneeIDs = [userID] }
            }
            if action == .reopen {
                workOrder.completedAt = nil
                workOrder.completedByUserID = nil
            }
            if let reason { workOrder.statusReason = reason }
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
            if to.isFinal {
                // A finished order needs nothing held for it any more.
                let held = try await Reservation.query(on: db).filter(\.$workOrderID == id).all()
                try await Stock.releaseAll(held, on: db)
            }
            return (workOrder.dto, from)
        }
        var events = [
            DomainEvent(
                .workOrderStatusChanged, organizationID: principal.organizationID, entityID: id,
                data: ["from": from.rawValue, "to": dto.status.rawValue, "number": dto.number, "siteId": dto.siteId.uuidString])
        ]
        if action == .complete {
            events.append(
                DomainEvent(
                    .workOrderCompleted, organizationID: principal.organizationID, entityID: id,
                    data: ["number": dto.number, "siteId": dto.siteId.uuidString]))
        }
        request.application.events.publish(events)
        return try await dto.response(version: dto.version, for: request)
    }

    /// Each given code is one of the organization's, of the right category, and for the kind of the order's
    /// asset (or for every kind).
    static func failureCodeProblems(
        _ codes: (problem: UUID?, cause: UUID?, remedy: UUID?), workOrder: WorkOrder, on db: any Database
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
