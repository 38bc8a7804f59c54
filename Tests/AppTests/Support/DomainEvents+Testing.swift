import Foundation

@testable import App

extension DomainEventBus {
    /// The events published while `body` ran, in order, without waiting on a clock.
    ///
    /// Handlers publish before they answer, so once `body` returns every event it caused is already in the
    /// subscription's buffer. A marker published afterwards ends the read: the loop stops at it whether or not the
    /// expected events came, so a missing event fails the test's assertions instead of hanging it (a time limit
    /// would make the outcome depend on how loaded the machine is).
    func recording(_ body: () async throws -> Void) async throws -> [DomainEvent] {
        let stream = subscribe()
        try await body()
        let marker = UUID()
        publish(DomainEvent(.workOrderUpdated, organizationID: marker, entityID: marker))
        var received: [DomainEvent] = []
        for await event in stream {
            if event.organizationID == marker { break }
            received.append(event)
        }
        return received
    }
}
