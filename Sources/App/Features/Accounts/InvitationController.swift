import Fluent
import Vapor

/// `/invitations`: the organization's pending invitations, and the link's two anonymous steps (what it offers,
/// and accepting it).
struct InvitationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let invitations = routes.grouped("invitations")
        invitations.get(use: Self.list)
        invitations.delete(":invitationID", use: Self.revoke)
        invitations.get("preview", use: Self.preview)
        invitations.post("accept", use: Self.accept)
    }

    /// Not yet accepted (pending or expired), newest first.
    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Listing.respond(request, sorts: Invitations.sorts, defaultSort: "-createdAt", filename: "invitations") {
            try await Invitations.list($0, principal: principal, on: request.db)
        }
    }

    /// Withdraws an invitation: its link stops working.
    @Sendable static func revoke(_ request: Request) async throws -> HTTPStatus {
        try await Invitations.withdraw(try request.pathID("invitationID"), principal: try request.principal, through: request)
        return .noContent
    }

    /// `GET /invitations/preview?token=…`: who invites the link's holder, to what. No sign-in.
    @Sendable static func preview(_ request: Request) async throws -> Invitations.Preview {
        try await Invitations.preview(token: request.queryParameter("token") ?? "", on: request.db)
    }

    /// `POST /invitations/accept {token, password, name?}`: joins with the account's own password, or makes the
    /// account with the password chosen. No sign-in; limited like one.
    @Sendable static func accept(_ request: Request) async throws -> Response {
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["token", "password", "name"])
        let token = body.secret("token", required: true, maxLength: 200)
        let password = body.secret("password", required: true, maxLength: 200)
        let name = body.string("name", maxLength: 200)
        try body.validate()
        guard let token, let password else { throw AppError.validation(body.problems) }
        let (accepted, _, _) = try await Invitations.accept(token: token, password: password, name: name, request: request)
        return try await accepted.encodeResponse(status: .created, for: request)
    }
}
