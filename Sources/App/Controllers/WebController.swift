import Fluent
import Vapor

/// The web sign-in: `GET /` (the sign-in form, or the signed-in page), `POST /sign-in`, `POST /sign-out`.
/// Registered behind the sessions middleware (cookie session); every form carries a CSRF token bound to the session.
struct WebController: RouteCollection {
    static let csrfField = "csrfToken"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: Self.home)
        routes.post("sign-in", use: Self.signIn)
        routes.post("sign-out", use: Self.signOut)
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        if let principal = try await sessionPrincipal(request) {
            let organization = try await Organization.find(principal.organizationID, on: request.db)
            return HTMLPage.signedIn(
                email: principal.email ?? "", organization: organization?.name ?? "", role: principal.role?.rawValue ?? "",
                csrfToken: csrfToken(request)
            ).response()
        }
        return HTMLPage.signIn(csrfToken: csrfToken(request), email: "", error: nil).response()
    }

    @Sendable static func signIn(_ request: Request) async throws -> Response {
        struct Form: Content {
            var email: String?
            var password: String?
            var csrfToken: String?
        }
        let form = WebController.form(Form.self, request) ?? Form()
        guard checkCSRF(form.csrfToken, request) else {
            return HTMLPage.signIn(csrfToken: csrfToken(request), email: form.email ?? "", error: "The form expired. Please try again.")
                .response(status: .forbidden)
        }
        guard let email = form.email, !email.isEmpty, let password = form.password, !password.isEmpty else {
            return HTMLPage.signIn(csrfToken: csrfToken(request), email: form.email ?? "", error: "Enter your e-mail and password.")
                .response(status: .unprocessableEntity)
        }
        do {
            let success = try await SignIn.authenticate(email: email, password: password, organizationID: nil, request: request)
            request.session.data["userID"] = success.user.id?.uuidString
            request.session.data["organizationID"] = success.membership.organizationID.uuidString
            // A fresh CSRF token after sign-in: one seen before it is worth nothing afterwards.
            request.session.data[csrfField] = Secrets.randomToken(length: 32)
            return request.redirect(to: "/", redirectType: .normal)
        } catch let error as AppError {
            let (problem, headers) = error.problem(requestId: request.requestID)
            let response = HTMLPage.signIn(csrfToken: csrfToken(request), email: email, error: problem.detail)
                .response(status: HTTPResponseStatus(statusCode: problem.status))
            if let retryAfter = headers.first(name: .retryAfter) { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
    }

    @Sendable static func signOut(_ request: Request) async throws -> Response {
        struct Form: Content { var csrfToken: String? }
        let form = WebController.form(Form.self, request) ?? Form()
        guard checkCSRF(form.csrfToken, request) else { throw AppError.forbidden("The form expired. Please try again.") }
        request.session.destroy()
        return request.redirect(to: "/", redirectType: .normal)
    }

    /// A form body, read only when it is `application/x-www-form-urlencoded` (what these pages' forms send):
    /// other encodings are treated as an empty form, so they fail the CSRF check.
    static func form<F: Content>(_ type: F.Type, _ request: Request) -> F? {
        guard request.headers.contentType == .urlEncodedForm else { return nil }
        return try? request.content.decode(F.self)
    }

    /// The member signed in through this session, read fresh from the database.
    static func sessionPrincipal(_ request: Request) async throws -> Principal? {
        guard let userID = request.session.data["userID"].flatMap(UUID.init(uuidString:)),
            let organizationID = request.session.data["organizationID"].flatMap(UUID.init(uuidString:))
        else { return nil }
        return try? await Authenticator.memberPrincipal(
            userID: userID, organizationID: organizationID, credential: .session, on: request.db)
    }

    static func csrfToken(_ request: Request) -> String {
        if let token = request.session.data[csrfField] { return token }
        let token = Secrets.randomToken(length: 32)
        request.session.data[csrfField] = token
        return token
    }

    static func checkCSRF(_ presented: String?, _ request: Request) -> Bool {
        guard let presented, let expected = request.session.data[csrfField] else { return false }
        return Secrets.constantTimeEquals(presented, expected)
    }
}
