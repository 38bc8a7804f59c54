import Fluent

/// Seals every chain head with the server's key (``AuditSeal``). Existing heads are sealed as they stand at the
/// upgrade: what was cut off before it cannot be told, what is cut off after it can.
struct UpdateAuditChainHeadAddSeal: AsyncMigration {
    let seal: AuditSeal

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema).field("seal", .string).update()
        for head in try await AuditChainHead.query(on: database).all() {
            guard let organizationID = head.id else { continue }
            head.seal = seal.seal(organizationID: organizationID, sequence: head.sequence, hash: head.hash)
            try await head.update(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema).deleteField("seal").update()
    }
}
