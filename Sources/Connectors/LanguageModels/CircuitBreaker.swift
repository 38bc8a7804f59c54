/// Stops calling a provider that keeps failing, and tries it again after a pause.
///
/// Closed: calls go through; `failureThreshold` failures in a row open it. Open: calls are refused until
/// `cooldown` has passed. Then one trial call goes through (half-open): its success closes the breaker, its
/// failure opens it for another `cooldown`. Time is passed in, so the logic is tested without waiting.
public struct CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    public let failureThreshold: Int
    public let cooldown: Duration
    private var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var trialInFlight = false

    public init(failureThreshold: Int = 3, cooldown: Duration = .seconds(60)) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
    }

    public func state(at now: ContinuousClock.Instant) -> State {
        guard let openedAt else { return .closed }
        return now - openedAt >= cooldown ? .halfOpen : .open
    }

    /// Whether a call may go out now; a half-open breaker lets one trial through at a time.
    public mutating func permit(at now: ContinuousClock.Instant) -> Bool {
        switch state(at: now) {
        case .closed: return true
        case .open: return false
        case .halfOpen:
            guard !trialInFlight else { return false }
            trialInFlight = true
            return true
        }
    }

    public mutating func recordSuccess() {
        consecutiveFailures = 0
        openedAt = nil
        trialInFlight = false
    }

    public mutating func recordFailure(at now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        if trialInFlight || consecutiveFailures >= failureThreshold {
            openedAt = now
        }
        trialInFlight = false
    }
}
