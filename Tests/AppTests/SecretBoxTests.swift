import Foundation
import Testing

@testable import App

@Suite("Secrets at rest")
struct SecretBoxTests {
    let box = SecretBox(secret: Array("a secret that is at least thirty-two bytes".utf8))

    @Test func sealedTextOpensToThePlaintextAndDoesNotContainIt() throws {
        let sealed = try box.seal("printer-access-code-12345678")
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains("12345678"))
        #expect(try box.open(sealed) == "printer-access-code-12345678")
        // A fresh nonce each time: equal secrets do not give equal ciphertexts.
        #expect(try box.seal("printer-access-code-12345678") != sealed)
    }

    @Test func anotherKeyOrAnAlteredTextCannotOpenIt() throws {
        let sealed = try box.seal("webhook secret")
        let other = SecretBox(secret: Array("another secret of at least thirty-two bytes".utf8))
        #expect(throws: SecretBoxError.self) { try other.open(sealed) }
        var bytes = Array(Data(base64Encoded: String(sealed.dropFirst(3)))!)
        bytes[bytes.count / 2] ^= 0x01
        #expect(throws: SecretBoxError.self) { try box.open("v1:" + Data(bytes).base64EncodedString()) }
        #expect(throws: SecretBoxError.self) { try box.open("plain text") }
    }
}
