import Crypto
import Foundation

/// Who did something, as the audit trail records it.
struct AuditActor: Sendable, Equatable {
    enum Kind: String, Sendable, Codable {
        case user
        case apiKey = "api_key"
        case system
    }
    var type: Kind
    var id: UUID?
    var label: String

    static func cli(_ command: String) -> AuditActor { AuditActor(type: .system, id: nil, label: "cli:\(command)") }
}

/// The hash chain over an organization's audit events.
///
/// `hash = SHA-256(previousHash ‖ canonical JSON of the event)`, where the canonical JSON has sorted keys,
/// no whitespace, and the time as ISO 8601 whole seconds, so the same event always gives the same bytes.
enum AuditChain {
    static let genesisHash = String(repeating: "0", count: 64)

    /// The fields covered by the hash. Changing this list breaks every existing chain: append-only like a migration.
    struct Payload: Encodable {
        var id: UUID
        var organizationId: UUID
        var sequence: Int
        var actorType: String
        var actorId: UUID?
        var actorLabel: String
        var action: String
        var entityType: String
        var entityId: UUID?
        var before: String?
        var after: String?
        var requestId: String?
        var clientAddress: String?
        var occurredAt: String

        func encode(to encoder: any Encoder) throws {
            // Explicit nulls keep "absent" and "null" from hashing differently between encoders.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id.uuidString.lowercased(), forKey: .id)
            try container.encode(organizationId.uuidString.lowercased(), forKey: .organizationId)
            try container.encode(sequence, forKey: .sequence)
            try container.encode(actorType, forKey: .actorType)
            try container.encode(actorId?.uuidString.lowercased(), forKey: .actorId)
            try container.encode(actorLabel, forKey: .actorLabel)
            try container.encode(action, forKey: .action)
            try container.encode(entityType, forKey: .entityType)
            try container.encode(entityId?.uuidString.lowercased(), forKey: .entityId)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
            try container.encode(requestId, forKey: .requestId)
            try container.encode(clientAddress, forKey: .clientAddress)
            try container.encode(occurredAt, forKey: .occurredAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, organizationId, sequence, actorType, actorId, actorLabel, action, entityType, entityId, before, after
            case requestId, clientAddress, occurredAt
        }
    }

    static func payload(of event: AuditEvent) -> Payload {
        Payload(
            id: event.id ?? UUID(), organizationId: event.organizationID, sequence: event.sequence, actorType: event.actorType,
            actorId: event.actorID, actorLabel: event.actorLabel, action: event.action, entityType: event.entityType,
            entityId: event.entityID, before: event.before, after: event.after, requestId: event.requestID,
            clientAddress: event.clientAddress, occurredAt: timestamp(event.occurredAt))
    }

    static func hash(previous: String, event: AuditEvent) throws -> String {
        let json = try JSONEncoder.canonical.encode(payload(of: event))
        var data = Data(previous.utf8)
        data.append(json)
        return SHA256.hash(data: data).hexString
    }

    /// ISO 8601 UTC, whole seconds.
    static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }

    /// The result of walking a chain from its first event.
    struct Verification: Codable, Sendable, Equatable {
        var ok: Bool
        /// Events checked before the walk stopped.
        var checked: Int
        var brokenAtSequence: Int?
        var brokenEventId: UUID?
        var reason: String?
    }

    /// Walks `events` (ascending sequence) and reports the first broken link, then compares the end with `head`.
    static func verify(events: [AuditEvent], startingAfter previous: (sequence: Int, hash: String), head: (sequence: Int, hash: String)?)
        -> (Verification, last: (sequence: Int, hash: String))
    {
        var last = previous
        var checked = 0
        for event in events {
            func broken(_ reason: String) -> (Verification, last: (sequence: Int, hash: String)) {
                (Verification(ok: false, checked: checked, brokenAtSequence: event.sequence, brokenEventId: event.id, reason: reason), last)
            }
            if event.sequence != last.sequence + 1 {
                return broken("expected event \(last.sequence + 1) next, found \(event.sequence): events are missing")
            }
            if event.previousHash != last.hash {
                return broken("its previous hash does not match the hash of event \(last.sequence)")
            }
            guard let recomputed = try? hash(previous: last.hash, event: event), recomputed == event.hash else {
                return broken("its contents do not match its hash: the event was changed after it was written")
            }
            checked += 1
            last = (event.sequence, event.hash)
        }
        if let head, head.sequence != last.sequence || head.hash != last.hash {
            // Only meaningful once every event has been read; callers pass `head` with the final batch.
            return (
                Verification(
                    ok: false, checked: checked, brokenAtSequence: last.sequence + 1, brokenEventId: nil,
                    reason: "the chain ends at event \(last.sequence) but its head records event \(head.sequence): events were removed"),
                last
            )
        }
        return (Verification(ok: true, checked: checked), last)
    }
}
