import Foundation

/// What a move of the state machine changes besides the status, and who may pick up an order: the side rules
/// of a transition, with no I/O. The app loads the order, asks ``WorkOrderStateMachine`` whether the move is
/// allowed, and applies what this returns.
public struct WorkOrderMove: Sendable, Equatable {
    /// The failure codes recorded on completion (problem, cause, remedy).
    public struct FailureCodes: Sendable, Equatable {
        public var problem: UUID?
        public var cause: UUID?
        public var remedy: UUID?

        public init(problem: UUID? = nil, cause: UUID? = nil, remedy: UUID? = nil) {
            self.problem = problem
            self.cause = cause
            self.remedy = remedy
        }

        /// All three are given.
        public var isComplete: Bool { problem != nil && cause != nil && remedy != nil }

        /// These codes, keeping `earlier` ones where none is given now.
        public func over(_ earlier: FailureCodes) -> FailureCodes {
            FailureCodes(problem: problem ?? earlier.problem, cause: cause ?? earlier.cause, remedy: remedy ?? earlier.remedy)
        }
    }

    /// The fields of a work order a move may change.
    public struct Fields: Sendable, Equatable {
        public var assigneeIDs: [UUID]
        public var startedAt: Date?
        public var completedAt: Date?
        public var completedByUserID: UUID?
        public var statusReason: String?
        public var resolutionNote: String?
        public var codes: FailureCodes

        public init(
            assigneeIDs: [UUID] = [], startedAt: Date? = nil, completedAt: Date? = nil, completedByUserID: UUID? = nil,
            statusReason: String? = nil, resolutionNote: String? = nil, codes: FailureCodes = FailureCodes()
        ) {
            self.assigneeIDs = assigneeIDs
            self.startedAt = startedAt
            self.completedAt = completedAt
            self.completedByUserID = completedByUserID
            self.statusReason = statusReason
            self.resolutionNote = resolutionNote
            self.codes = codes
        }
    }

    /// What the person sent with the action.
    public struct Sent: Sendable, Equatable {
        public var reason: String?
        public var resolutionNote: String?
        public var codes: FailureCodes

        public init(reason: String? = nil, resolutionNote: String? = nil, codes: FailureCodes = FailureCodes()) {
            self.reason = reason
            self.resolutionNote = resolutionNote
            self.codes = codes
        }
    }

    /// One checklist item, as completing an order sees it.
    public struct ChecklistItem: Sendable, Equatable {
        public var label: String
        public var required: Bool
        public var done: Bool

        public init(label: String, required: Bool, done: Bool) {
            self.label = label
            self.required = required
            self.done = done
        }
    }

    /// Anyone who works orders may pick up one nobody has (no assignee, no team): starting it assigns them.
    public static func isClaim(_ action: WorkOrderAction, assigneeIDs: [UUID], teamID: UUID?, by userID: UUID?) -> Bool {
        action == .start && assigneeIDs.isEmpty && teamID == nil && userID != nil
    }

    /// The required checklist items not yet done: completing is refused while there are any.
    public static func blockingItems(_ items: [ChecklistItem]) -> [ChecklistItem] {
        items.filter { $0.required && !$0.done }
    }

    /// The fields after `action` by `userID` at `now`: completing records the codes given (keeping earlier ones
    /// not given again), the note, when and by whom; the first start is kept, and a claim assigns the starter;
    /// reopening clears the completion; any reason sent becomes the status reason.
    public static func apply(
        _ action: WorkOrderAction, to fields: Fields, sent: Sent, by userID: UUID?, claim: Bool, now: Date
    ) -> Fields {
        var fields = fields
        switch action {
        case .complete:
            fields.codes = sent.codes.over(fields.codes)
            fields.resolutionNote = sent.resolutionNote
            fields.completedAt = now
            fields.completedByUserID = userID
        case .start:
            if fields.startedAt == nil { fields.startedAt = now }
            if claim, let userID { fields.assigneeIDs = [userID] }
        case .reopen:
            fields.completedAt = nil
            fields.completedByUserID = nil
        case .approve, .hold, .resume, .cancel:
            break
        }
        if let reason = sent.reason { fields.statusReason = reason }
        return fields
    }

    /// Whether the parts held for the order are released: a final status needs nothing held any more.
    public static func releasesReservations(to status: WorkOrderStatus) -> Bool { status.isFinal }
}
