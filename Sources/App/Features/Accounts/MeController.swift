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
            permissions: principal.role.map(\.permissionNames) ?? principal.permissions.sorted().map(\.rawValue), credential: credential)
    }

    @Sendable static func changePassword(_ request: Request) async throws -> HTTPStatus {
        try await Accounts.changePassword(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return .noContent
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
