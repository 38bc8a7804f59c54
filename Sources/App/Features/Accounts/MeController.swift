import Fluent
import SQLKit
import Vapor

extension MeController.MeDTO.UserInfo: RowDecodable {
    static let table = User.schema
    static let columns = ["id", "email", "name", "must_change_password"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), email: try row.string("email"), name: try row.string("name"),
            mustChangePassword: try row.bool("must_change_password"))
    }
}

/// `GET /me`: who the credential belongs to; `POST /me/password`: change one's own password.
struct MeController: RouteCollection {
    struct MeDTO: Content {
        struct UserInfo: Content {
            var id: UUID
            var email: String
            var name: String
            var mustChangePassword: Bool
        }

        struct APIKeyInfo: Content {
            var id: UUID
            var name: String
        }

        var organization: OrganizationDTO
        var user: UserInfo?
        var apiKey: APIKeyInfo?
        var role: Role?
        var siteIds: [UUID]?
        var permissions: [String]
        var credential: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let me = routes.grouped("me")
        me.get(use: Self.show)
        me.post("password", use: Self.changePassword)
    }

    @Sendable static func show(_ request: Request) async throws -> MeDTO {
        let principal = try request.principal
        guard let organization = try await OrganizationDTO.find(id: principal.organizationID, on: request.db) else {
            throw AppError.unauthorized("The organization no longer exists.")
        }
        var user: MeDTO.UserInfo?
        var apiKey: MeDTO.APIKeyInfo?
        let credential: String
        switch principal.credential {
        case .apiKey(let id, let name):
            apiKey = .init(id: id, name: name)
            credential = "apiKey"
        case .system(let name):
            credential = name
        case .accessToken, .session:
            if let userID = principal.userID { user = try await MeDTO.UserInfo.find(id: userID, on: request.db) }
            credential = principal.credential == .session ? "session" : "accessToken"
        }
        return MeDTO(
            organization: organization, user: user, apiKey: apiKey, role: principal.role, siteIds: principal.siteIDs,
            permissions: principal.permissions.sorted().map(\.rawValue), credential: credential)
    }

    @Sendable static func changePassword(_ request: Request) async throws -> HTTPStatus {
        var body = try JSONBody(request)
        try await changePassword(body: &body, principal: try request.principal, request: request)
        return .noContent
    }

    /// Checks the current password and sets the new one (`currentPassword`, `newPassword`); every other sign-in of
    /// the account ends. Shared by the API and the account page.
    static func changePassword(body: inout JSONBody, principal: Principal, request: Request) async throws {
        guard principal.role != nil, let userID = principal.userID else {
            throw AppError.forbidden("An API key has no password; sign in as a user to change yours.")
        }
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
        let context = try request.auditContext
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

extension MeController.MeDTO: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("organization", organization)
        json.member("user", user)
        json.member("apiKey", apiKey)
        json.member("role", role)
        json.member("siteIds", siteIds)
        json.member("permissions", permissions)
        json.member("credential", credential)
    }
}

extension MeController.MeDTO.UserInfo: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("id", id)
        json.member("email", email)
        json.member("name", name)
        json.member("mustChangePassword", mustChangePassword)
    }
}

extension MeController.MeDTO.APIKeyInfo: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("id", id)
        json.member("name", name)
    }
}
