import Fluent
import Vapor

/// What an operation made or changed, and the domain events it caused. An operation runs inside the write
/// transaction and returns its events instead of publishing them: they are recorded in the outbox in that
/// transaction (``Outbox``), and published to this process's live pages once it committed.
struct Outcome<Value: Sendable>: Sendable {
    var value: Value
    var events: [DomainEvent]

    init(_ value: Value, events: [DomainEvent] = []) {
        self.value = value
        self.events = events
    }

    /// The same events with the value transformed (a model to its DTO).
    func map<Other: Sendable>(_ transform: (Value) throws -> Other) rethrows -> Outcome<Other> {
        Outcome<Other>(try transform(value), events: events)
    }
}

extension Request {
    /// Runs `operation` in one write transaction (``write(_:)``) with its events recorded in the outbox, then
    /// publishes them.
    func perform<T: Sendable>(_ operation: @escaping @Sendable (any Database) async throws -> Outcome<T>) async throws -> T {
        let outcome = try await write { db in try await Outbox.recorded(operation, on: db) }
        application.events.publish(outcome.events)
        return outcome.value
    }
}

extension Application {
    /// ``Request/perform(_:)`` for work no request asked for (the PM job).
    func perform<T: Sendable>(_ operation: @escaping @Sendable (any Database) async throws -> Outcome<T>) async throws -> T {
        let outcome = try await write { db in try await Outbox.recorded(operation, on: db) }
        events.publish(outcome.events)
        return outcome.value
    }
}
