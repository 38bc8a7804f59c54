import Fluent
import Foundation
import Vapor

/// Creating organizations, members and API keys: the operations the API, the CLI and first-run set-up share.
/// Each runs inside the caller's transaction and writes its audit event there.
enum Accounts {
    /// Ends the account's sign-ins — web sessions and API refresh chains — in one organization or (nil) all of them,
    /// but the web session `except` names. Call it inside the transaction that changes the password or membership.
    static func endSignIns(of userID: UUID, in organizationID: UUID? = nil, except current: SessionID? = nil, on db: any Database)
        async throws
    {
        try await WebSessions.end(userID: userID, organizationID: organizationID, except: current, on: db)
        var tokens = RefreshToken.query(on: db).filter(\.$userID == userID).filter(\.$revokedAt == nil)
        if let organizationID { tokens = tokens.filter(\.$organizationID == organizationID) }
        try await tokens.set(\.$revokedAt, to: Date()).update()
    }

    /// A new organization with its audit chain started.
    static func createOrganization(name: String, context: AuditContext, on db: any Database) async throws -> Organization {
        let organization = Organization(name: name)
        try await organization.create(on: db)
        let organizationID = try organization.requireID()
        try await AuditChainHead(organizationID: organizationID).create(on: db)
        try await AuditLog.record(
            "organization.created", entityType: "organization", entityID: organizationID, after: organization.dto,
            organizationID: organizationID, context: context, on: db)
        return organization
    }

    struct NewMember: Sendable {
        var email: String
        var name: String?
        var role: Role
        /// `nil`: generate a one-time password (for a new account).
        var password: String?
        var siteIDs: [UUID]?
    }

    /// Adds a member: creates the account when the e-mail is new, otherwise adds the existing account to the
    /// organization (its password is left alone). Returns the generated password, if one was made.
    static func addMember(
        _ new: NewMember, organizationID: UUID, context: AuditContext, passwordHasher: PasswordHasher, on db: any Database
    ) async throws -> (Membership, User, generatedPassword: String?) {
        let email = new.email.lowercased()
        var generated: String?
        let user: User
        if let existing = try await User.query(on: db).filter(\.$email == email).first() {
            let existingID = try existing.requireID()
            if try await Membership.query(on: db).filter(\.$organizationID == organizationID).filter(\.$user.$id == existingID).count()
                > 0
            {
                throw AppError.conflict("\(email) is already a member of this organization.")
            }
            if new.password != nil {
                throw AppError.invalid("password", "cannot be set: \(email) has an account already and keeps its own password")
            }
            user = existing
        } else {
            let password = new.password ?? Secrets.generatePassword()
            if new.password == nil { generated = password }
            user = User(
                email: email, name: new.name ?? email, passwordHash: try await passwordHasher.hash(password),
                mustChangePassword: new.password == nil)
            try await user.create(on: db)
        }
        let membership = Membership(organizationID: organizationID, userID: try user.requireID(), role: new.role, siteIDs: new.siteIDs)
        try await membership.create(on: db)
        try await AuditLog.record(
            "member.added", entityType: "user", entityID: user.id, after: membership.dto(user: user), organizationID: organizationID,
            context: context, on: db)
        return (membership, user, generated)
    }

    /// A new API key; the plain key is returned once and only its hash is stored.
    static func createAPIKey(
        name: String, scopes: [Permission], expiresAt: Date?, createdBy userID: UUID?, organizationID: UUID, context: AuditContext,
        on db: any Database
    ) async throws -> (APIKey, key: String) {
        let key = Authenticator.apiKeyPrefix + Secrets.randomToken(length: 40)
        let apiKey = APIKey(
            organizationID: organizationID, name: name, prefix: String(key.prefix(11)), keyHash: Secrets.sha256Hex(key),
            scopes: scopes.map(\.rawValue).sorted(), createdByUserID: userID, expiresAt: expiresAt)
        try await apiKey.create(on: db)
        try await AuditLog.record(
            "api_key.created", entityType: "api_key", entityID: apiKey.id, after: apiKey.dto, organizationID: organizationID,
            context: context, on: db)
        return (apiKey, key)
    }

    /// Reads `--scopes`/`scopes` names, listing the unknown ones.
    static func parseScopes(_ names: [String]) -> (scopes: [Permission], unknown: [String]) {
        var scopes: [Permission] = []
        var unknown: [String] = []
        for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            if let permission = Permission(rawValue: name) { scopes.append(permission) } else { unknown.append(name) }
        }
        return (Array(Set(scopes)).sorted(), unknown)
    }

    /// Checks the current password and sets the new one (`currentPassword`, `newPassword`); every other sign-in of
    /// the account ends. Shared by the API and the account page.
    static func changePassword(from body: () throws -> JSONBody, principal: Principal, through request: Request) async throws {
        guard principal.role != nil, let userID = principal.userID else {
            throw AppError.forbidden("An API key has no password; sign in as a user to change yours.")
        }
        var body = try body()
        let current = body.secret("currentPassword", required: true)
        let new = body.secret("newPassword", required: true)
        if let new {
            for problem in PasswordHasher.problems(new, field: "newPassword") { body.add(problem.field, problem.message) }
        }
        try body.validate()
        guard let current, let new else { throw AppError.validation(body.problems) }
        let passwords = request.application.passwordHasher
        guard let user = try await User.find(userID, on: request.db), try await passwords.verify(current, hash: user.passwordHash) else {
            throw AppError.invalid("currentPassword", "is not your current password")
        }
        let hash = try await passwords.hash(new)
        let context = try request.auditContext(principal)
        let thisSession = request.hasSession ? request.session.id : nil
        try await request.write { db in
            try await User.query(on: db).filter(\.$id == userID)
                .set(\.$passwordHash, to: hash).set(\.$mustChangePassword, to: false).update()
            // Every other sign-in of this account ends: a changed password should lock out whoever knew the old one.
            // From the account page, the browser that changed it stays signed in (under a new session id).
            try await Accounts.endSignIns(of: userID, except: thisSession, on: db)
            try await AuditLog.record(
                "user.password_changed", entityType: "user", entityID: userID, organizationID: principal.organizationID,
                context: context, on: db)
        }
    }
}
