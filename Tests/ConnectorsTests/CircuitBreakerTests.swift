import Connectors
import Testing

@Suite struct CircuitBreakerTests {
    let start = ContinuousClock.now

    /// `permit` changes the breaker (a half-open one lets one trial out), so it is called outside `#expect`.
    func permit(_ breaker: inout CircuitBreaker, at now: ContinuousClock.Instant) -> Bool {
        breaker.permit(at: now)
    }

    @Test func opensAfterTheThresholdOfFailuresInARow() {
        var breaker = CircuitBreaker(failureThreshold: 3, cooldown: .seconds(60))
        for _ in 0..<2 {
            #expect(permit(&breaker, at: start))
            breaker.recordFailure(at: start)
        }
        #expect(breaker.state(at: start) == .closed)
        #expect(permit(&breaker, at: start))
        breaker.recordFailure(at: start)
        #expect(breaker.state(at: start) == .open)
        #expect(!permit(&breaker, at: start + .seconds(59)))
    }

    @Test func aSuccessResetsTheCount() {
        var breaker = CircuitBreaker(failureThreshold: 2, cooldown: .seconds(60))
        breaker.recordFailure(at: start)
        breaker.recordSuccess()
        breaker.recordFailure(at: start)
        #expect(breaker.state(at: start) == .closed)
        breaker.recordFailure(at: start)
        #expect(breaker.state(at: start) == .open)
    }

    @Test func afterTheCooldownOneTrialGoesThroughAndDecides() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(30))
        breaker.recordFailure(at: start)
        let later = start + .seconds(30)
        #expect(breaker.state(at: later) == .halfOpen)
        #expect(permit(&breaker, at: later))
        // Only one trial at a time.
        #expect(!permit(&breaker, at: later))
        // The trial fails: open for another cooldown from now.
        breaker.recordFailure(at: later)
        #expect(breaker.state(at: later + .seconds(29)) == .open)
        #expect(permit(&breaker, at: later + .seconds(30)))
        breaker.recordSuccess()
        #expect(breaker.state(at: later + .seconds(30)) == .closed)
        #expect(permit(&breaker, at: later + .seconds(30)))
    }

    @Test func aFailedTrialReopensEvenBelowTheThreshold() {
        var breaker = CircuitBreaker(failureThreshold: 5, cooldown: .seconds(10))
        for _ in 0..<5 { breaker.recordFailure(at: start) }
        #expect(permit(&breaker, at: start + .seconds(10)))
        breaker.recordFailure(at: start + .seconds(10))
        #expect(breaker.state(at: start + .seconds(11)) == .open)
    }
}
