import Fluent
import Foundation

/// A person who signs in. Users are global; what they may do in an organization comes from a ``Membership``.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Stored lower-cased; unique.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    /// Consecutive failed sign-ins since the last success.
    @Field(key: "failed_sign_ins") var failedSignIns: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    /// Set for generated one-time passwords: the user should choose their own.
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, name: String, passwordHash: String, mustChangePassword: Bool = false) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.failedSignIns = 0
        self.mustChangePassword = mustChangePassword
        self.version = 1
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _email, _name, _passwordHash, _failedSignIns, _lockedUntil, _mustChangePassword, _version, _createdAt, _updatedAt]
    }
}
