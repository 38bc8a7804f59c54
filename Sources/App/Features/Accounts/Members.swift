import Fluent
import Vapor

/// The organization's members: inviting, changing a role or site access, resetting a password, removing. The
/// API's `/users` routes and the members page call these, so the same rules apply to both: nobody grants a role
/// above their own, the last owner stays, a stale change is refused. Each finds the member (or answers 404)
/// before it reads the body.
enum Members {
    /// An invitation and the link that accepts it (shown only now: only its hash is stored).
    struct Invited: Content {
        var invitation: Invitation.DTO
        var link: String
    }

    /// Invites a person (`email`, `name`, `role`, `siteIds`). The answer is the same whether the e-mail has an
    /// account or not; they join when they accept through the link.
    static func invite(from body: () throws -> JSONBody, principal: Principal, through request: Request) async throws -> Invited {
        try principal.require(.usersCreate)
        var body = try body()
        body.rejectUnknown(allowed: ["email", "name", "role", "siteIds"])
        let email = body.email("email", required: true)
        let name = body.string("name", maxLength: 200)
        let role = body.enumValue("role", Role.self, required: true)
        let siteIDs = body.references("siteIds", .site)
        if let role, !MemberPolicy.mayGrant(role, principal: principal) {
            body.add("role", "you cannot grant a role above your own")
        }
        try await body.validate(for: principal, on: request.db)
        guard let email, let role else { throw AppError.validation(body.problems) }
        let context = try request.auditContext(principal)
        let (invitation, token) = try await request.write { db in
            try await Invitations.invite(
                .init(email: email, name: name, role: role, siteIDs: siteIDs), organizationID: principal.organizationID,
                invitedBy: principal.userID, context: context, on: db)
        }
        return Invited(invitation: invitation.dto, link: Invitations.link(token: token, request: request))
    }

    /// Changes a member's `name`, `role` or `siteIds` (absent: unchanged; null: all sites; a list: only those).
    static func update(
        _ userID: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> MemberDTO {
        try principal.require(.usersUpdate)
        _ = try await member(userID, of: principal, on: request.db)
        var body = try body()
        body.rejectUnknown(allowed: ["name", "role", "siteIds"])
        let name = body.string("name", maxLength: 200)
        let role = body.enumValue("role", Role.self)
        let siteChange: [UUID]?? = body.has("siteIds") ? .some(body.references("siteIds", .site)) : .none
        if let role, !MemberPolicy.mayGrant(role, principal: principal) {
            body.add("role", "you cannot grant a role above your own")
        }
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.write { db -> MemberDTO in
            let membership = try await member(userID, of: principal, on: db, lock: true)
            try ETag.check(expected: expected, currentVersion: membership.version)
            try await MemberPolicy.checkChange(of: membership, to: role, principal: principal, on: db)
            let before = membership.dto()
            if let name {
                guard try await Membership.query(on: db).filter(\.$user.$id == userID).count() == 1 else {
                    throw AppError.invalid("name", "belongs to a person who is also in other organizations; they change it themselves")
                }
                membership.user.name = name
                membership.user.version += 1
                try await membership.user.update(on: db)
            }
            if let role { membership.role = role }
            if case .some(let siteIDs) = siteChange { membership.siteIDs = siteIDs }
            membership.version += 1
            try await membership.update(on: db)
            let after = membership.dto()
            try await AuditLog.record(
                "member.updated", entityType: "user", entityID: userID, before: before, after: after,
                organizationID: principal.organizationID, context: context, on: db)
            return after
        }
    }

    /// A one-time password for a member who lost theirs, returned once; every sign-in of theirs ends. Only for a
    /// person who belongs to this organization alone: an administrator here must not take over an account that
    /// other organizations rely on.
    static func resetPassword(_ userID: UUID, principal: Principal, through request: Request) async throws -> (
        password: String, email: String
    ) {
        try principal.require(.usersUpdate)
        let found = try await member(userID, of: principal, on: request.db)
        guard userID != principal.userID else {
            throw AppError.conflict("Change your own password on your account page (POST /me/password).")
        }
        let context = try request.auditContext(principal)
        let password = Secrets.generatePassword()
        let hash = try await request.application.passwordHasher.hash(password)
        try await request.write { db in
            let membership = try await member(userID, of: principal, on: db, lock: true)
            try await MemberPolicy.checkChange(of: membership, to: nil, principal: principal, on: db)
            guard try await Membership.query(on: db).filter(\.$user.$id == userID).count() == 1 else {
                throw AppError.conflict("This person is also in other organizations; they reset their password themselves.")
            }
            try await User.query(on: db).filter(\.$id == userID).set(\.$passwordHash, to: hash).set(\.$mustChangePassword, to: true)
                .update()
            try await Accounts.endSignIns(of: userID, on: db)
            try await AuditLog.record(
                "member.password_reset", entityType: "user", entityID: userID, organizationID: principal.organizationID, context: context,
                on: db)
        }
        return (password, found.user.email)
    }

    /// Removes a member from the organization; their sign-ins here end.
    static func remove(_ userID: UUID, expected: [String], principal: Principal, through request: Request) async throws {
        try principal.require(.usersDelete)
        let context = try request.auditContext(principal)
        try await request.write { db in
            let membership = try await member(userID, of: principal, on: db, lock: true)
            try ETag.check(expected: expected, currentVersion: membership.version)
            try await MemberPolicy.checkRemoval(of: membership, principal: principal, on: db)
            let before = membership.dto()
            try await membership.delete(on: db)
            try await Accounts.endSignIns(of: userID, in: principal.organizationID, on: db)
            try await AuditLog.record(
                "member.removed", entityType: "user", entityID: userID, before: before, organizationID: principal.organizationID,
                context: context, on: db)
        }
    }

    /// The membership of `userID` in the principal's organization, with its user, or 404.
    static func member(_ userID: UUID, of principal: Principal, on db: any Database, lock: Bool = false) async throws -> Membership {
        guard
            let membership = try await principal.query(Membership.self, on: db).filter(\.$user.$id == userID).with(\.$user).first(),
            let membershipID = membership.id
        else {
            throw AppError.notFound("No such user in this organization.")
        }
        if lock {
            try await db.lockForUpdate(Membership.schema, id: membershipID)
        }
        return membership
    }
}
