import Fluent
import Foundation
import Vapor

/// Inviting people and accepting invitations: the operations the API and the pages share.
enum Invitations {
    struct NewInvitation: Sendable {
        var email: String
        var name: String?
        var role: Role
        var siteIDs: [UUID]?
    }

    /// Invites `new.email`, replacing an earlier invitation to the same address; returns the link's token, shown
    /// once. The answer is the same whether the e-mail has an account or not; only a member of this
    /// organization already is refused (409), which the inviter can see in the member list anyway.
    static func invite(
        _ new: NewInvitation, organizationID: UUID, invitedBy userID: UUID?, context: AuditContext, on db: any Database
    ) async throws -> (Invitation, token: String) {
        let email = new.email.lowercased()
        let members = try await Membership.query(on: db).join(User.self, on: \Membership.$user.$id == \User.$id)
            .filter(\.$organizationID == organizationID).filter(User.self, \.$email == email).count()
        guard members == 0 else { throw AppError.conflict("\(email) is already a member of this organization.") }
        try await Invitation.query(on: db).filter(\.$organizationID == organizationID).filter(\.$email == email)
            .filter(\.$acceptedAt == nil).delete()
        let token = Secrets.randomToken(length: 32)
        let invitation = Invitation()
        invitation.organizationID = organizationID
        invitation.email = email
        invitation.name = new.name
        invitation.role = new.role
        invitation.siteIDs = new.siteIDs
        invitation.tokenHash = Secrets.sha256Hex(token)
        invitation.invitedByUserID = userID
        invitation.expiresAt = Date().addingTimeInterval(Invitation.lifetime)
        try await invitation.create(on: db)
        try await AuditLog.record(
            "member.invited", entityType: Invitation.entityType, entityID: invitation.id, after: invitation.dto,
            organizationID: organizationID, context: context, on: db)
        return (invitation, token)
    }

    /// Withdraws the invitation `id`: its link stops working.
    static func withdraw(_ id: UUID, principal: Principal, through request: Request) async throws {
        try principal.require(.usersCreate)
        let context = try request.auditContext(principal)
        try await request.write { db in
            let invitation = try await principal.find(Invitation.self, id, on: db)
            guard invitation.acceptedAt == nil else { throw AppError.conflict("This invitation was accepted; remove the member instead.") }
            try await invitation.delete(on: db)
            try await AuditLog.record(
                "invitation.withdrawn", entityType: Invitation.entityType, entityID: id, before: invitation.dto,
                organizationID: principal.organizationID, context: context, on: db)
        }
    }

    /// The pending invitation a link's token names, or 404.
    static func pending(token: String, on db: any Database) async throws -> Invitation {
        guard !token.isEmpty, let invitation = try await Invitation.query(on: db).filter(\.$tokenHash == Secrets.sha256Hex(token)).first(),
            invitation.status == .pending
        else { throw AppError.notFound("This invitation link is not valid: it was used or withdrawn, or it has expired.") }
        return invitation
    }

    /// What a link shows before it is accepted: who invites, to what.
    struct Preview: Content {
        var organization: String
        var email: String
        var role: Role
        var name: String?
        var expiresAt: Date
    }

    static func preview(token: String, on db: any Database) async throws -> Preview {
        let invitation = try await pending(token: token, on: db)
        let organization = try await Organization.find(invitation.organizationID, on: db)
        return Preview(
            organization: organization?.name ?? "", email: invitation.email, role: invitation.role, name: invitation.name,
            expiresAt: invitation.expiresAt)
    }

    struct Accepted: Content {
        var organizationId: UUID
        var userId: UUID
    }

    /// Accepts the invitation with the person's password: their account's when the e-mail has one (checked, and
    /// limited, like a sign-in), otherwise the one they choose for the new account. Makes the membership.
    static func accept(token: String, password: String, name: String?, request: Request) async throws -> (Accepted, User, Membership) {
        if let wait = await request.application.signInLimiter.attempt(from: request.clientAddress ?? "unknown") {
            throw AppError.tooManyRequests("Too many attempts from this address. Try again in \(wait) seconds.", retryAfter: wait)
        }
        let invitation = try await pending(token: token, on: request.db)
        let invitationID = try invitation.requireID()
        let existing = try await User.query(on: request.db).filter(\.$email == invitation.email).first()
        var newHash: String?
        if existing != nil {
            _ = try await SignIn.verify(email: invitation.email, password: password, request: request)
        } else {
            let problems = PasswordHasher.problems(password, field: "password")
            guard problems.isEmpty else { throw AppError.validation(problems) }
            newHash = try await request.application.passwordHasher.hash(password)
        }
        let chosenName = name.flatMap { $0.isEmpty ? nil : $0 } ?? invitation.name
        let seal = request.application.auditSeal
        let requestID = request.requestID
        let address = request.clientAddress
        let hash = newHash
        return try await request.write { db in
            try await db.lockForUpdate(Invitation.schema, id: invitationID)
            guard let fresh = try await Invitation.find(invitationID, on: db), fresh.status == .pending else {
                throw AppError.notFound("This invitation link is not valid: it was used or withdrawn, or it has expired.")
            }
            let user: User
            if let found = try await User.query(on: db).filter(\.$email == fresh.email).first() {
                guard hash == nil else { throw AppError.conflict("An account with this e-mail was made meanwhile; open the link again.") }
                user = found
            } else {
                guard let hash else { throw AppError.conflict("The account changed meanwhile; open the link again.") }
                user = User(email: fresh.email, name: chosenName ?? fresh.email, passwordHash: hash)
                try await user.create(on: db)
            }
            let userID = try user.requireID()
            guard
                try await Membership.query(on: db).filter(\.$organizationID == fresh.organizationID).filter(\.$user.$id == userID)
                    .count() == 0
            else { throw AppError.conflict("You are already a member of this organization.") }
            let membership = Membership(organizationID: fresh.organizationID, userID: userID, role: fresh.role, siteIDs: fresh.siteIDs)
            try await membership.create(on: db)
            let before = fresh.dto
            fresh.acceptedAt = Date()
            try await fresh.update(on: db)
            let accepting = AuditContext(
                actor: AuditActor(type: .user, id: userID, label: user.email), requestID: requestID, clientAddress: address, seal: seal)
            try await AuditLog.record(
                "invitation.accepted", entityType: Invitation.entityType, entityID: invitationID, before: before, after: fresh.dto,
                organizationID: fresh.organizationID, context: accepting, on: db)
            try await AuditLog.record(
                "member.added", entityType: "user", entityID: userID, after: membership.dto(user: user),
                organizationID: fresh.organizationID, context: accepting, on: db)
            return (Accepted(organizationId: fresh.organizationID, userId: userID), user, membership)
        }
    }

    /// The link a token opens: on `publicURL` when it is set, otherwise on the address of the request.
    static func link(token: String, request: Request) -> String {
        let base = request.application.config.publicURL ?? "http://\(request.headers.first(name: .host) ?? "127.0.0.1:8080")"
        return "\(base)/invitations/\(token)"
    }
}
