import Foundation
import Vapor

struct AuditEventDTO: Content, Equatable {
    struct Actor: Content, Equatable {
        var type: String
        var id: UUID?
        var label: String
    }

    var id: UUID
    var sequence: Int
    var actor: Actor
    var action: String
    var entityType: String
    var entityId: UUID?
    var before: JSONValue?
    var after: JSONValue?
    var requestId: String?
    var clientAddress: String?
    var occurredAt: Date
    var previousHash: String
    var hash: String
}

extension AuditEvent {
    var dto: AuditEventDTO {
        AuditEventDTO(
            id: id ?? UUID(), sequence: sequence, actor: .init(type: actorType, id: actorID, label: actorLabel), action: action,
            entityType: entityType, entityId: entityID, before: JSONValue.parse(before), after: JSONValue.parse(after),
            requestId: requestID, clientAddress: clientAddress, occurredAt: occurredAt, previousHash: previousHash, hash: hash)
    }
}
