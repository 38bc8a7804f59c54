import Fluent
import SQLKit

/// Sign-in lock-outs move from the account (where five wrong passwords from anyone locked its owner out) to
/// (e-mail, client address) pairs, with back-off.
struct CreateSignInThrottle: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SignInThrottle.schema)
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("lockouts", .int, .required)
            .field("locked_until", .datetime)
            .field("last_failure_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.sql.raw("CREATE INDEX sign_in_throttles_last_failure ON sign_in_throttles (last_failure_at)").run()
        // Locks held on accounts under the old rule are lifted: they would otherwise outlast the rule.
        try await database.sql.raw("UPDATE users SET failed_sign_ins = 0, locked_until = NULL").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SignInThrottle.schema).delete()
    }
}
