/// The work-order state machine: which action leads where, who may take it, and what it needs.
///
/// Pure and table-driven; the app maps ``TransitionError`` to HTTP (409 for an illegal move, 403 for a person
/// who may not, 422 for what is missing).
public enum WorkOrderStateMachine {
    /// One row of the table.
    public struct Rule: Sendable {
        public var action: WorkOrderAction
        public var from: Set<WorkOrderStatus>
        public var to: WorkOrderStatus
        public var requires: [TransitionRequirement]
        public var who: Who
    }

    /// Who may take an action.
    public enum Who: Sendable, Equatable {
        /// Managers and above.
        case manager
        /// Managers, and the technicians assigned to the order.
        case managerOrAssignee
        /// Managers, and the person who requested it while it is still a request.
        case managerOrOwnRequest
    }

    /// The transition table. Completing is allowed from every working state, not only `in_progress`, because a
    /// quick fix is often done before anyone presses "start".
    public static let rules: [Rule] = [
        Rule(action: .approve, from: [.requested], to: .open, requires: [], who: .manager),
        Rule(action: .start, from: [.open, .reopened], to: .inProgress, requires: [], who: .managerOrAssignee),
        Rule(action: .hold, from: [.inProgress], to: .onHold, requires: [.reason], who: .managerOrAssignee),
        Rule(action: .resume, from: [.onHold], to: .inProgress, requires: [], who: .managerOrAssignee),
        Rule(
            action: .complete, from: [.open, .inProgress, .onHold, .reopened], to: .completed,
            requires: [.resolutionNote, .failureCodes], who: .managerOrAssignee),
        Rule(action: .reopen, from: [.completed], to: .reopened, requires: [.reason], who: .manager),
        Rule(
            action: .cancel, from: [.requested, .open, .inProgress, .onHold, .reopened], to: .cancelled, requires: [.reason],
            who: .managerOrOwnRequest),
    ]

    /// What the person taking the action is, and what they sent with it.
    public struct Context: Sendable {
        public var isManager: Bool
        public var isAssignee: Bool
        public var isRequester: Bool
        public var hasResolutionNote: Bool
        public var hasFailureCodes: Bool
        public var organizationRequiresFailureCodes: Bool
        public var hasReason: Bool

        public init(
            isManager: Bool, isAssignee: Bool = false, isRequester: Bool = false, hasResolutionNote: Bool = false,
            hasFailureCodes: Bool = false, organizationRequiresFailureCodes: Bool = false, hasReason: Bool = false
        ) {
            self.isManager = isManager
            self.isAssignee = isAssignee
            self.isRequester = isRequester
            self.hasResolutionNote = hasResolutionNote
            self.hasFailureCodes = hasFailureCodes
            self.organizationRequiresFailureCodes = organizationRequiresFailureCodes
            self.hasReason = hasReason
        }
    }

    /// The actions possible from `status`, in table order.
    public static func allowedActions(from status: WorkOrderStatus) -> [WorkOrderAction] {
        allowed[status] ?? []
    }

    /// ``allowedActions(from:)`` for every status, worked out once from the table: every work order read asks.
    private static let allowed: [WorkOrderStatus: [WorkOrderAction]] = Dictionary(
        uniqueKeysWithValues: WorkOrderStatus.allCases.map { status in (status, rules.filter { $0.from.contains(status) }.map(\.action)) })

    /// The status `action` leads to from `status`, or why it cannot happen. Checks in the order a person would
    /// want to hear: is it possible at all, may I, what is missing.
    public static func transition(_ action: WorkOrderAction, from status: WorkOrderStatus, context: Context) -> Result<
        WorkOrderStatus, TransitionError
    > {
        guard let rule = rules.first(where: { $0.action == action && $0.from.contains(status) }) else {
            return .failure(.illegal(action: action, from: status, allowed: allowedActions(from: status)))
        }
        let permitted: Bool
        switch rule.who {
        case .manager: permitted = context.isManager
        case .managerOrAssignee: permitted = context.isManager || context.isAssignee
        case .managerOrOwnRequest: permitted = context.isManager || (context.isRequester && status == .requested)
        }
        guard permitted else { return .failure(.notPermitted(action: action, who: rule.who)) }
        let missing = rule.requires.filter { requirement in
            switch requirement {
            case .resolutionNote: !context.hasResolutionNote
            case .failureCodes: context.organizationRequiresFailureCodes && !context.hasFailureCodes
            case .reason: !context.hasReason
            }
        }
        guard missing.isEmpty else { return .failure(.missing(action: action, requirements: missing)) }
        return .success(rule.to)
    }
}

/// Why a transition cannot happen.
public enum TransitionError: Error, Sendable, Equatable {
    /// Not possible from this status; `allowed` lists what is.
    case illegal(action: WorkOrderAction, from: WorkOrderStatus, allowed: [WorkOrderAction])
    case notPermitted(action: WorkOrderAction, who: WorkOrderStateMachine.Who)
    case missing(action: WorkOrderAction, requirements: [TransitionRequirement])
}
