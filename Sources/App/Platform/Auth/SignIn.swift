import Fluent
import Foundation
import Vapor

/// Checks an e-mail and password, with rate limiting and lock-out; shared by the API and the web sign-in.
enum SignIn {
    struct Success: Sendable {
        var user: User
        var membership: Membership
    }

    /// Signs in to `organizationID`, or to the user's first organization when none is named. `address` is the
    /// client's (the request's peer unless given).
    ///
    /// A known and an unknown e-mail are answered alike, with the same work behind the answer: a password check
    /// (against a decoy hash when there is no account) and, on failure, a failure recorded for the pair of
    /// e-mail and address (``SignInThrottle``) — so neither the answer nor its timing tells whether an account
    /// exists, and a lock-out holds back only the client that failed.
    static func authenticate(
        email rawEmail: String, password: String, organizationID: UUID?, request: Request, address: String? = nil
    ) async throws -> Success {
        let user = try await verify(email: rawEmail, password: password, request: request, address: address)
        let userID = try user.requireID()
        var query = Membership.query(on: request.db).filter(\.$user.$id == userID)
        if let organizationID { query = query.filter(\.$organizationID == organizationID) }
        guard let membership = try await query.sort(\.$createdAt).first() else {
            throw AppError.unauthorized(
                organizationID == nil ? "This account belongs to no organization." : "This account is not a member of that organization.")
        }
        return Success(user: user, membership: membership)
    }

    /// The account, when the password is its own; the limits, lock-outs and answers of ``authenticate``.
    static func verify(email rawEmail: String, password: String, request: Request, address: String? = nil) async throws -> User {
        let app = request.application
        let address = address ?? request.clientAddress ?? "unknown"
        if let wait = await app.signInLimiter.attempt(from: address) {
            throw AppError.tooManyRequests("Too many sign-in attempts from this address. Try again in \(wait) seconds.", retryAfter: wait)
        }
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let key = SignInThrottle.key(email: email, address: address)
        let now = Date()
        let throttle = try await SignInThrottle.query(on: request.db).filter(\.$key == key).first()
        if let lockedUntil = throttle?.lockedUntil, lockedUntil > now {
            let wait = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
            throw AppError.tooManyRequests(
                "Too many failed sign-ins with this e-mail from this device. Try again in \(wait) seconds, or sign in from another device.",
                retryAfter: wait)
        }
        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        let matches = try await app.passwordHasher.verify(password, hash: user?.passwordHash)
        guard let user, user.id != nil, matches else {
            try await recordFailure(key: key, request: request, now: now)
            throw AppError.unauthorized("The e-mail or password is wrong.")
        }
        if throttle != nil {
            try await request.write { db in try await SignInThrottle.query(on: db).filter(\.$key == key).delete() }
        }
        return user
    }

    /// Counts a failed password for the pair; at the threshold the pair locks, each lock-out in a row twice as
    /// long as the last (up to the limit). The counting is one `UPDATE`, so concurrent failures all count.
    private static func recordFailure(key: String, request: Request, now: Date) async throws {
        let config = request.application.config
        let lockout = try await request.write { db -> TimeInterval? in
            let sql = try db.sql
            // A pair with no failure for a day, and no lock in force, is forgotten.
            try await SignInThrottle.query(on: db).filter(\.$lastFailureAt < now.addingTimeInterval(-config.lockoutLimit))
                .group(.or) { $0.filter(\.$lockedUntil == nil).filter(\.$lockedUntil < now) }.delete()
            try await sql.raw(
                """
                INSERT INTO sign_in_throttles (id, key, failures, lockouts, last_failure_at)
                VALUES (\(bind: UUID()), \(bind: key), 0, 0, \(bind: now)) ON CONFLICT (key) DO NOTHING
                """
            ).run()
            try await sql.raw(
                "UPDATE sign_in_throttles SET failures = failures + 1, last_failure_at = \(bind: now) WHERE key = \(bind: key)"
            ).run()
            guard let throttle = try await SignInThrottle.query(on: db).filter(\.$key == key).first(),
                throttle.failures >= config.lockoutThreshold
            else { return nil }
            let seconds = min(config.lockoutDuration * pow(2, Double(throttle.lockouts)), config.lockoutLimit)
            throttle.failures = 0
            throttle.lockouts += 1
            throttle.lockedUntil = now.addingTimeInterval(seconds)
            try await throttle.update(on: db)
            return seconds
        }
        if let lockout {
            request.logger.warning(
                "Sign-in locked for an e-mail from one client address", metadata: ["seconds": .stringConvertible(Int(lockout))])
        }
    }
}
