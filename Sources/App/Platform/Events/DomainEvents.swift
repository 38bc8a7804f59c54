import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Something that happened in the domain: written to the outbox in the transaction that caused it (``Outbox``),
/// under its `id`, and published to the live pages once committed — by this process, and on PostgreSQL by every
/// replica's ``OutboxListener``.
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

    /// The outbox row's id: the same event, heard twice, is one event.
    var id: UUID
    var name: Name
    var organizationID: UUID
    var entityID: UUID
    /// Details for consumers; `siteId` where the entity belongs to a site, so live pages respect site limits.
    var data: [String: String]
    var occurredAt: Date

    init(_ name: Name, organizationID: UUID, entityID: UUID, data: [String: String] = [:], id: UUID = UUID()) {
        self.id = id
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
    /// The ids published lately, oldest first: an event published by its writer and heard again from the
    /// database's notification goes out once.
    private let recent = NIOLockedValueBox<(ids: Set<UUID>, order: [UUID])>(([], []))
    static let recentCapacity = 10_000

    func publish(_ events: [DomainEvent]) {
        let fresh = recent.withLockedValue { recent in
            events.filter { event in
                guard recent.ids.insert(event.id).inserted else { return false }
                recent.order.append(event.id)
                if recent.order.count > Self.recentCapacity {
                    let dropped = recent.order.prefix(Self.recentCapacity / 2)
                    recent.ids.subtract(dropped)
                    recent.order.removeFirst(dropped.count)
                }
                return true
            }
        }
        guard !fresh.isEmpty else { return }
        let continuations = subscribers.withLockedValue { Array($0.values) }
        for event in fresh {
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
