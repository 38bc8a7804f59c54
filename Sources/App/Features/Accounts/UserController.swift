import Fluent
import Vapor

/// `/users`: the members of the caller's organization, through the ``Members`` operations the members page
/// also calls.
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

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersRead)
        let (role, email) = (try request.queryEnum("role", Role.self), request.queryParameter("q"))
        return try await Listing.respond(request, sorts: Members.sorts, defaultSort: "email", filename: "users") {
            try await Members.list(role: role, email: email, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersRead)
        let membership = try await Members.member(request.pathID("userID"), of: principal, on: request.db)
        return try await membership.dto().response(version: membership.version, for: request)
    }

    /// `POST /users`: invites a person.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let invited = try await Members.invite(from: { try JSONBody(request) }, principal: try request.principal, through: request)
        let response = try await invited.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/invitations/\(invited.invitation.id)")
        return response
    }

    /// `POST /users/{id}/reset-password`: a one-time password, shown once.
    @Sendable static func resetPassword(_ request: Request) async throws -> Response {
        let reset = try await Members.resetPassword(request.pathID("userID"), principal: try request.principal, through: request)
        struct Reset: Content { var password: String }
        return try await Reset(password: reset.password).encodeResponse(for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let updated = try await Members.update(
            request.pathID("userID"), from: { try JSONBody(request) }, expected: ETag.expected(request), principal: try request.principal,
            through: request)
        return try await updated.response(version: updated.version, for: request)
    }

    @Sendable static func remove(_ request: Request) async throws -> HTTPStatus {
        try await Members.remove(
            request.pathID("userID"), expected: ETag.expected(request), principal: try request.principal, through: request)
        return .noContent
    }
}
