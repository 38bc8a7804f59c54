import Fluent
import Foundation
import SQLKit
import Vapor

/// Who, from where, under which request: what every audit event records beside the change itself.
struct AuditContext: Sendable {
    var actor: AuditActor
    var requestID: String?
    var clientAddress: String?
    /// Seals the chain's head after the event is written (the server's key).
    var seal: AuditSeal

    /// A command of the `millwright` CLI, run on `app`.
    static func cli(_ command: String, _ app: Application) -> AuditContext {
        AuditContext(actor: .cli(command), requestID: nil, clientAddress: nil, seal: app.auditSeal)
    }

    /// Someone without an account, through an asset's QR link.
    static func publicRequest(_ request: Request) -> AuditContext {
        AuditContext(
            actor: AuditActor(type: .system, id: nil, label: "public-request"), requestID: request.requestID,
            clientAddress: request.clientAddress, seal: request.application.auditSeal)
    }
}

extension Request {
    /// The audit context of an authenticated request.
    var auditContext: AuditContext {
        get throws { try auditContext(principal) }
    }

    /// The audit context of a change made by `principal` through this request (a page passes its session's).
    func auditContext(_ principal: Principal) throws -> AuditContext {
        AuditContext(actor: try principal.auditActor, requestID: requestID, clientAddress: clientAddress, seal: application.auditSeal)
    }

    /// The peer's address. Proxy headers are not trusted: a client could forge them.
    var clientAddress: String? { remoteAddress?.ipAddress }
}

/// Appends events to an organization's hash-chained audit trail.
enum AuditLog {
    /// Records one change. Call inside the transaction that makes the change (``Request/write(_:)``), so the
    /// event and the change land together or not at all.
    static func record(
        _ action: String, entityType: String, entityID: UUID?, before: (any Encodable)? = nil, after: (any Encodable)? = nil,
        organizationID: UUID, context: AuditContext, on database: any Database
    ) async throws {
        // Lock the head first: on PostgreSQL a second writer of this organization waits here until we commit.
        try await database.lockForUpdate(AuditChainHead.schema, idColumn: "organization_id", id: organizationID)
        // Plain SQL, not Fluent models: every write pays this, and the models' reflection was most of a create.
        let sql = try database.sql
        let head = try await sql.select().column("sequence").column("hash").from(AuditChainHead.schema)
            .where("organization_id", .equal, SQLBind(organizationID)).first().map(RowReader.init)
        let previous = (sequence: try head?.int("sequence") ?? 0, hash: try head?.string("hash") ?? AuditChain.genesisHash)
        let event = AuditEvent()
        event.id = UUID()
        event.organizationID = organizationID
        event.sequence = previous.sequence + 1
        event.actorType = context.actor.type.rawValue
        event.actorID = context.actor.id
        event.actorLabel = context.actor.label
        event.action = action
        event.entityType = entityType
        event.entityID = entityID
        event.before = try before.map(snapshot)
        event.after = try after.map(snapshot)
        event.requestID = context.requestID
        event.clientAddress = context.clientAddress
        event.occurredAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        event.previousHash = previous.hash
        event.hash = try AuditChain.hash(previous: previous.hash, event: event)
        try await sql.insert(into: AuditEvent.schema)
            .columns(
                "id", "organization_id", "sequence", "actor_type", "actor_id", "actor_label", "action", "entity_type", "entity_id",
                "before",
                "after", "request_id", "client_address", "occurred_at", "previous_hash", "hash"
            )
            .values(
                SQLBind(event.id), SQLBind(organizationID), SQLBind(event.sequence), SQLBind(event.actorType), SQLBind(event.actorID),
                SQLBind(event.actorLabel), SQLBind(action), SQLBind(entityType), SQLBind(entityID), SQLBind(event.before),
                SQLBind(event.after), SQLBind(event.requestID), SQLBind(event.clientAddress), SQLBind(event.occurredAt),
                SQLBind(event.previousHash), SQLBind(event.hash)
            )
            .run()
        let seal = context.seal.seal(organizationID: organizationID, sequence: event.sequence, hash: event.hash)
        if head == nil {
            try await sql.insert(into: AuditChainHead.schema).columns("organization_id", "sequence", "hash", "seal")
                .values(SQLBind(organizationID), SQLBind(event.sequence), SQLBind(event.hash), SQLBind(seal)).run()
        } else {
            try await sql.update(AuditChainHead.schema).set("sequence", to: SQLBind(event.sequence)).set("hash", to: SQLBind(event.hash))
                .set("seal", to: SQLBind(seal)).where("organization_id", .equal, SQLBind(organizationID)).run()
        }
    }

    static func snapshot(_ value: any Encodable) throws -> String {
        String(decoding: try JSONEncoder.canonical.encode(value), as: UTF8.self)
    }

    /// Walks an organization's chain from the first event, in batches, and reports the first broken link; then checks
    /// the tail: the head must exist, carry the server's seal, and name the last event found. Every organization has
    /// at least the event of its creation, so an organization with no events has lost its history.
    static func verify(organizationID: UUID, seal: AuditSeal, on database: any Database) async throws -> AuditChain.Verification {
        let batchSize = 1000
        var last = (sequence: 0, hash: AuditChain.genesisHash)
        var checked = 0
        let head = try await AuditChainHead.find(organizationID, on: database)
        func broken(_ reason: String) -> AuditChain.Verification {
            AuditChain.Verification(ok: false, checked: checked, brokenAtSequence: last.sequence + 1, brokenEventId: nil, reason: reason)
        }
        guard let head else {
            return broken("the chain's head is missing: it was deleted outside the server, and events with it may have been")
        }
        while true {
            let batch = try await AuditEvent.query(on: database)
                .filter(\.$organizationID == organizationID)
                .filter(\.$sequence > last.sequence)
                .sort(\.$sequence)
                .limit(batchSize)
                .all()
            let isFinal = batch.count < batchSize
            let finalHead = isFinal ? (sequence: head.sequence, hash: head.hash) : nil
            let (result, newLast) = AuditChain.verify(events: batch, startingAfter: last, head: finalHead)
            checked += result.checked
            if !result.ok {
                var failure = result
                failure.checked = checked
                return failure
            }
            last = newLast
            if isFinal { break }
        }
        if checked == 0 { return broken("the organization has no events, not even its creation: its history was removed") }
        // The events agree with the head; only the seal tells a head moved back over a cut-off tail from the real one.
        guard seal.isValid(head.seal, organizationID: organizationID, sequence: head.sequence, hash: head.hash) else {
            return broken(
                "the chain's head does not carry the server's seal: it was changed outside the server, and events after "
                    + "\(last.sequence) may have been removed")
        }
        return AuditChain.Verification(ok: true, checked: checked)
    }
}
