import Fluent
import Foundation

/// Failed sign-ins for one e-mail from one client address, and the lock-out they earned.
///
/// Kept per (e-mail, address), not per account: someone who knows a person's e-mail can lock out only their own
/// client, never the person, who still signs in from theirs. Kept for e-mails with no account exactly as for
/// those with one, so the answers (and the work behind them) are the same either way. The key is a hash, so
/// the table holds no e-mail address anyone typed.
final class SignInThrottle: Model, @unchecked Sendable {
    static let schema = "sign_in_throttles"

    @ID(key: .id) var id: UUID?
    /// SHA-256 of the lower-cased e-mail and the client address.
    @Field(key: "key") var key: String
    /// Failures since the last lock-out (or the first failure).
    @Field(key: "failures") var failures: Int
    /// Lock-outs in a row: each doubles the next one's length.
    @Field(key: "lockouts") var lockouts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "last_failure_at") var lastFailureAt: Date

    init() {}

    static func key(email: String, address: String) -> String { Secrets.sha256Hex("\(email)\n\(address)") }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _key, _failures, _lockouts, _lockedUntil, _lastFailureAt] }
}
