import Crypto
import Foundation
import Vapor

/// Encrypts secrets kept in the database (printer access codes, webhook secrets, provider keys) with AES-256-GCM
/// under a key derived from `MILLWRIGHT_SECRET`, so a copied database alone does not give them away.
///
/// Sealed text is `v1:` + base64(nonce ‖ ciphertext ‖ tag); the version prefix leaves room for key rotation.
struct SecretBox: Sendable {
    private let key: SymmetricKey

    init(secret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Data("millwright secrets at rest".utf8), outputByteCount: 32)
    }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw SecretBoxError.unreadable }
        return "v1:" + combined.base64EncodedString()
    }

    /// The plaintext, or ``SecretBoxError`` when the text was not sealed with this key or was altered.
    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let combined = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw SecretBoxError.unreadable
        }
        do {
            let data = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key)
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw SecretBoxError.unreadable
        }
    }
}

enum SecretBoxError: Error, CustomStringConvertible {
    case unreadable

    var description: String {
        "A stored secret cannot be decrypted: it was sealed with another MILLWRIGHT_SECRET or has been altered."
    }
}
