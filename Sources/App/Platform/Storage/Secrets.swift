import Crypto
import Foundation

/// Random tokens and their stored form.
enum Secrets {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// `length` characters from a 62-letter alphabet (≈5.95 bits each) drawn from the system CSPRNG.
    static func randomToken(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// A password people can type: four groups of five, ~119 bits.
    static func generatePassword() -> String {
        (0..<4).map { _ in randomToken(length: 5) }.joined(separator: "-")
    }

    /// Hex SHA-256. Enough for tokens of ≥ 190 random bits, which cannot be brute-forced; passwords use bcrypt.
    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexString
    }

    /// Compares two strings without leaking through timing where they first differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex: digests, MACs. Written digit by digit: `String(format:)` per byte was most of a session
    /// look-up and of an audit event's hashing.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
