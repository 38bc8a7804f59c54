import Crypto
import Foundation
import Vapor

/// Seals the head of each organization's audit chain with a key only the server holds.
///
/// The hash chain shows an event changed or removed in the middle, but not a tail cut off with the head moved back
/// to match (or the head deleted along with the events): anyone with write access to the database can recompute
/// hashes. They cannot compute this HMAC without the server's secret, so `verify` tells a head it did not write.
struct AuditSeal: Sendable {
    private let key: SymmetricKey

    init(secret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Data("millwright audit chain heads".utf8), outputByteCount: 32)
    }

    /// HMAC-SHA-256 over `organization|sequence|hash`, hex.
    func seal(organizationID: UUID, sequence: Int, hash: String) -> String {
        let message = Data("\(organizationID.uuidString.lowercased())|\(sequence)|\(hash)".utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: key).hexString
    }

    func isValid(_ seal: String?, organizationID: UUID, sequence: Int, hash: String) -> Bool {
        guard let seal else { return false }
        return Secrets.constantTimeEquals(seal, self.seal(organizationID: organizationID, sequence: sequence, hash: hash))
    }
}

extension Application {
    /// The key chain heads are sealed with, derived from the server's secret (two HMACs: cheaper than keeping it).
    var auditSeal: AuditSeal { AuditSeal(secret: config.secret) }
}
