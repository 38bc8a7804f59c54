import Foundation
import Testing

@testable import App

@Suite("Secrets at rest")
struct SecretBoxTests {
    let box = SecretBox(secret: Array("a secret that is at least thirty-two bytes".utf8))

    @Test func digestsAreLowerCaseHexOfEveryByte() {
        // FIPS 180-2's example digest of "abc".
        #expect(Secrets.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect([UInt8]([0x00, 0x0f, 0x10, 0xa5, 0xf0, 0xff]).hexString == "000f10a5f0ff")
        #expect([UInt8]().hexString == "")
        #expect((0...255).map(UInt8.init).hexString == (0...255).map { String(format: "%02x", $0) }.joined())
    }

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
