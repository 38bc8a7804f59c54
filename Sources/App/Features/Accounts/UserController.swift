import Fluent
import Vapor

/// `/users`: the members of the caller's organization.
struct UserController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: Self.list)
        users.post(use: Self.create)
        users.get(":userID", use: Self.show)
        users.patch(":userID", use: Self.update)
        users.delete(":userID", use: Self.remove)
        users.post(":userID", "reset-password", use: Self.resetPassword)
    }

    static let sortFields: [SortField<Membership>] = [
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) },
        SortField("email", on: User.self, "email") { .string((try? $0.joined(User.self).email) ?? "") },
        SortField("name", on: User.self, "name") { .string((try? $0.joined(User.self).name) ?? "") },
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersRead)
        var role: Role?
        if let raw = request.queryParameter("role") {
            guard let parsed = Role(rawValue: raw) else {
                throw AppError.badRequest(
                    "A query parameter is not valid.",
                    [FieldProblem(field: "role", message: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            role = parsed
        }
        let query = principal.query(Membership.self, on: request.db).join(User.self, on: \Membership.$user.$id == \User.$id)
        if let role { query.filter(\.$role == role) }
        if let text = request.queryParameter("q")?.lowercased(), !text.isEmpty {
            query.filter(User.self, \.$email ~~ text)
        }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "email", filename: "users") {
            $0.dto(user: try $0.joined(User.self))
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersRead)
        let membership = try await member(request.pathID("userID"), of: principal, on: request.db)
        return try await membership.dto().response(version: membership.version, for: request)
    }

    /// An invitation and the link that accepts it (shown only now: only its hash is stored).
    struct InvitedDTO: Content {
        var invitation: Invitation.DTO
        var link: String
    }

    /// `POST /users`: invites a person. The answer is the same whether the e-mail has an account or not; they
    /// join when they accept through the link.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersCreate)
        var body = try JSONBody(request)
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
        let context = try request.auditContext
        let (invitation, token) = try await request.write { db in
            try await Invitations.invite(
                .init(email: email, name: name, role: role, siteIDs: siteIDs), organizationID: principal.organizationID,
                invitedBy: principal.userID, context: context, on: db)
        }
        let response = try await InvitedDTO(invitation: invitation.dto, link: Invitations.link(token: token, request: request))
            .encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/invitations/\(invitation.dto.id)")
        return response
    }

    /// `POST /users/{id}/reset-password`: a one-time password for a member who lost theirs, shown once; every
    /// sign-in of theirs ends. Only for a person who belongs to this organization alone: an administrator here
    /// must not take over an account that other organizations rely on.
    @Sendable static func resetPassword(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersUpdate)
        let userID = try request.pathID("userID")
        _ = try await member(userID, of: principal, on: request.db)
        guard userID != principal.userID else {
            throw AppError.conflict("Change your own password on your account page (POST /me/password).")
        }
        let context = try request.auditContext
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
        struct Reset: Content { var password: String }
        return try await Reset(password: password).encodeResponse(for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersUpdate)
        let userID = try request.pathID("userID")
        _ = try await member(userID, of: principal, on: request.db)
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "role", "siteIds"])
        let name = body.string("name", maxLength: 200)
        let role = body.enumValue("role", Role.self)
        // Absent: leave the sites alone; null: all sites; a list: only those.
        let siteChange: [UUID]?? = body.has("siteIds") ? .some(body.references("siteIds", .site)) : .none
        if let role, !MemberPolicy.mayGrant(role, principal: principal) {
            body.add("role", "you cannot grant a role above your own")
        }
        try await body.validate(for: principal, on: request.db)
        let context = try request.auditContext
        let updated = try await request.write { db -> MemberDTO in
            let membership = try await member(userID, of: principal, on: db, lock: true)
            try ETag.check(request, currentVersion: membership.version)
            try await MemberPolicy.checkChange(of: membership, to: role, principal: principal, on: db)
            let before = membership.dto()
            if let name {
                let memberships = try await Membership.query(on: db).filter(\.$user.$id == userID).count()
                guard memberships == 1 else {
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
        return try await updated.response(version: updated.version, for: request)
    }

    @Sendable static func remove(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.usersDelete)
        let userID = try request.pathID("userID")
        let context = try request.auditContext
        try await request.write { db in
            let membership = try await member(userID, of: principal, on: db, lock: true)
            try ETag.check(request, currentVersion: membership.version)
            try await MemberPolicy.checkRemoval(of: membership, principal: principal, on: db)
            let before = membership.dto()
            try await membership.delete(on: db)
            try await Accounts.endSignIns(of: userID, in: principal.organizationID, on: db)
            try await AuditLog.record(
                "member.removed", entityType: "user", entityID: userID, before: before, organizationID: principal.organizationID,
                context: context, on: db)
        }
        return .noContent
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
