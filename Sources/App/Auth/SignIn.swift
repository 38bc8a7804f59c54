import Fluent
import Foundation
import Vapor

/// Checks an e-mail and password, with rate limiting and lock-out; shared by the API and the web sign-in.
enum SignIn {
    struct Success: Sendable {
        var user: User
        var membership: Membership
    }

    /// Signs in to `organizationID`, or to the user's first organization when none is named.
    static func authenticate(
        email rawEmail: String, password: String, organizationID: UUID?, request: Request
    ) async throws -> Success {
        let app = request.application
        let address = request.clientAddress ?? "unknown"
        if let wait = await app.signInLimiter.attempt(from: address) {
            throw AppError.tooManyRequests("Too many sign-in attempts from this address. Try again in \(wait) seconds.", retryAfter: wait)
        }
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        let now = Date()
        if let user, let lockedUntil = user.lockedUntil, lockedUntil > now {
            let wait = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
            throw AppError.tooManyRequests(
                "This account is locked after repeated failed sign-ins. Try again in \(wait) seconds.", retryAfter: wait)
        }
        let matches = try await app.passwordHasher.verify(password, hash: user?.passwordHash)
        guard let user, let userID = user.id, matches else {
            if let user { try await recordFailure(of: user, request: request) }
            throw AppError.unauthorized("The e-mail or password is wrong.")
        }
        var query = Membership.query(on: request.db).filter(\.$user.$id == userID)
        if let organizationID { query = query.filter(\.$organizationID == organizationID) }
        guard let membership = try await query.sort(\.$createdAt).first() else {
            throw AppError.unauthorized(
                organizationID == nil ? "This account belongs to no organization." : "This account is not a member of that organization.")
        }
        if user.failedSignIns > 0 || user.lockedUntil != nil {
            try await request.write { db in
                try await User.query(on: db).filter(\.$id == userID)
                    .set(\.$failedSignIns, to: 0).set(\.$lockedUntil, to: nil).update()
            }
        }
        return Success(user: user, membership: membership)
    }

    /// Counts a failed password; at the threshold the account locks for the configured time.
    private static func recordFailure(of user: User, request: Request) async throws {
        let config = request.application.config
        guard let userID = user.id else { return }
        let locked = try await request.write { db -> Bool in
            try await db.lockForUpdate(User.schema, id: userID)
            guard let fresh = try await User.find(userID, on: db) else { return false }
            fresh.failedSignIns += 1
            var locked = false
            if fresh.failedSignIns >= config.lockoutThreshold {
                fresh.failedSignIns = 0
                fresh.lockedUntil = Date().addingTimeInterval(config.lockoutDuration)
                locked = true
            }
            try await fresh.update(on: db)
            return locked
        }
        if locked {
            request.logger.warning("Account locked after repeated failed sign-ins", metadata: ["user-id": .string(userID.uuidString)])
        }
    }
}
