/// Where a work order is in its life.
///
/// `requested → open → in_progress ⇄ on_hold → completed → reopened`, and `cancelled` from any state that is
/// not final. `completed` and `cancelled` are final; a completed order can still be reopened.
public enum WorkOrderStatus: String, Sendable, CaseIterable, Codable {
    case requested
    case open
    case inProgress = "in_progress"
    case onHold = "on_hold"
    case completed
    case reopened
    case cancelled

    public var isFinal: Bool { self == .completed || self == .cancelled }

    /// Open work: counts toward the backlog.
    public var isActive: Bool { !isFinal && self != .requested }
}

/// A change of status a person asks for: `POST /work-orders/{id}/<action>`.
public enum WorkOrderAction: String, Sendable, CaseIterable, Codable {
    /// A manager accepts a request into the backlog.
    case approve
    case start
    case hold
    case resume
    case complete
    case reopen
    case cancel
}

/// Something a transition needs before it may happen.
public enum TransitionRequirement: String, Sendable, Equatable, Codable {
    /// Completing says what was done.
    case resolutionNote
    /// The organization requires problem, cause and remedy codes on completion.
    case failureCodes
    /// Holding, reopening and cancelling say why.
    case reason
}

/// How urgent a work order is.
public enum WorkOrderPriority: String, Sendable, CaseIterable, Codable, Comparable {
    case none, low, medium, high, critical

    /// Position from `none` (0) to `critical` (4), for sorting and comparing.
    public var rank: Int {
        switch self {
        case .none: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// What kind of work a work order is.
public enum WorkOrderType: String, Sendable, CaseIterable, Codable {
    case corrective, preventive, inspection, emergency, request
}
