import Foundation
import Vapor

struct APIKeyDTO: Content, Equatable {
    var id: UUID
    var name: String
    /// The first characters of the key, to tell keys apart.
    var prefix: String
    var scopes: [String]
    var createdByUserId: UUID?
    var lastUsedAt: Date?
    var expiresAt: Date?
    var revokedAt: Date?
    var createdAt: Date?
}

extension APIKey {
    var dto: APIKeyDTO {
        APIKeyDTO(
            id: id ?? UUID(), name: name, prefix: prefix, scopes: scopes, createdByUserId: createdByUserID, lastUsedAt: lastUsedAt,
            expiresAt: expiresAt, revokedAt: revokedAt, createdAt: createdAt)
    }
}

/// A new key: the only time the secret is ever shown.
struct CreatedAPIKeyDTO: Content {
    var apiKey: APIKeyDTO
    var key: String
}
