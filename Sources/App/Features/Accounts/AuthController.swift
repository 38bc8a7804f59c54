import Fluent
import Vapor

/// `POST /auth/token`, `/auth/refresh`, `/auth/logout`: sign-in for API clients.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("token", use: Self.token)
        auth.post("refresh", use: Self.refresh)
        auth.post("logout", use: Self.logout)
    }

    @Sendable static func token(_ request: Request) async throws -> TokenResponse {
        var body = try JSONBody(request)
        let email = body.string("email", required: true, maxLength: 254)
        let password = body.secret("password", required: true)
        let organizationID = body.uuid("organizationId")
        try body.validate()
        guard let email, let password else { throw AppError.validation(body.problems) }
        let success = try await SignIn.authenticate(email: email, password: password, organizationID: organizationID, request: request)
        return try await request.write { db in
            try await Tokens.issue(user: success.user, membership: success.membership, request: request, on: db)
        }
    }

    @Sendable static func refresh(_ request: Request) async throws -> TokenResponse {
        var body = try JSONBody(request)
        let presented = body.secret("refreshToken", required: true)
        try body.validate()
        guard let presented else { throw AppError.validation(body.problems) }
        return try await Tokens.refresh(presented, request: request)
    }

    @Sendable static func logout(_ request: Request) async throws -> HTTPStatus {
        var body = try JSONBody(request)
        let presented = body.secret("refreshToken", required: true)
        try body.validate()
        guard let presented else { throw AppError.validation(body.problems) }
        try await Tokens.logout(presented, request: request)
        return .noContent
    }
}
