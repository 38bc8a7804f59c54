import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Something that happened in the domain, published after its transaction committed: for webhooks, live pages
/// and background reactions. Delivery is in-process and best effort; the audit trail is the durable record.
struct DomainEvent: Sendable, Codable, Equatable {
    enum Name: String, Sendable, Codable, CaseIterable {
        case workOrderCreated = "work_order.created"
        case workOrderUpdated = "work_order.updated"
        case workOrderStatusChanged = "work_order.status_changed"
        case workOrderAssigned = "work_order.assigned"
        case workOrderCompleted = "work_order.completed"
        case stockLow = "stock.low"
        case pmGenerated = "pm.generated"
        case requestCreated = "request.created"
    }

    var name: Name
    var organizationID: UUID
    var entityID: UUID
    /// Details for consumers; `siteId` where the entity belongs to a site, so live pages respect site limits.
    var data: [String: String]
    var occurredAt: Date

    init(_ name: Name, organizationID: UUID, entityID: UUID, data: [String: String] = [:]) {
        self.name = name
        self.organizationID = organizationID
        self.entityID = entityID
        self.data = data
        self.occurredAt = Date()
    }
}

/// Fans domain events out to every subscriber. A slow subscriber loses the oldest events beyond its buffer
/// rather than slowing the request that published them.
final class DomainEventBus: Sendable {
    private let subscribers = NIOLockedValueBox<[UUID: AsyncStream<DomainEvent>.Continuation]>([:])
    static let bufferSize = 1000

    func publish(_ events: [DomainEvent]) {
        let continuations = subscribers.withLockedValue { Array($0.values) }
        for event in events {
            for continuation in continuations { continuation.yield(event) }
        }
    }

    func publish(_ event: DomainEvent) { publish([event]) }

    /// A stream of every event published from now on; it ends when the consumer stops iterating.
    func subscribe() -> AsyncStream<DomainEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<DomainEvent>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferSize))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLockedValue { $0.removeValue(forKey: id) }
        }
        subscribers.withLockedValue { $0[id] = continuation }
        return stream
    }

}
