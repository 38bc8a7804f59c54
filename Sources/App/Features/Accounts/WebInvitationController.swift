import Fluent
import Vapor

/// `/invitations/{token}`: the page an invitation link opens. Accepting signs the person in.
struct WebInvitationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("invitations", ":token", use: Self.show)
        routes.post("invitations", ":token", use: Self.accept)
    }

    struct Page: Encodable {
        var page: PageContext
        var token: String
        var organization: String
        var email: String
        var role: String
        var expires: String
        var name: String
        var error: String?
        var passwordError: String?
    }

    static func page(
        _ request: Request, preview: Invitations.Preview, name: String? = nil, error: String? = nil, passwordError: String? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = Page(
            page: .anonymous("Join \(preview.organization)", request: request), token: request.parameters.get("token") ?? "",
            organization: preview.organization, email: preview.email, role: WebFormat.label(preview.role.rawValue),
            expires: WebFormat.date(preview.expiresAt), name: name ?? preview.name ?? "", error: error, passwordError: passwordError)
        return try await WebPage.render("invitation", page, status: status, for: request)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let preview = try await Invitations.preview(token: request.parameters.get("token") ?? "", on: request.db)
        return try await page(request, preview: preview)
    }

    @Sendable static func accept(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        let preview = try await Invitations.preview(token: token, on: request.db)
        struct Form: Content {
            var name: String?
            var password: String?
            var csrfToken: String?
        }
        let form = WebForm.decode(Form.self, request) ?? Form()
        guard WebSession.checkCSRF(form.csrfToken, request) else {
            return try await page(
                request, preview: preview, name: form.name, error: "The form expired. Please try again.", status: .forbidden)
        }
        guard let password = form.password, !password.isEmpty else {
            return try await page(request, preview: preview, name: form.name, passwordError: "is required", status: .unprocessableEntity)
        }
        do {
            let (accepted, _, _) = try await Invitations.accept(token: token, password: password, name: form.name, request: request)
            try await WebSession.signIn(userID: accepted.userId, organizationID: accepted.organizationId, request: request)
            return request.redirect(to: "/", redirectType: .normal)
        } catch AppError.validation(let problems) {
            let message = problems.first { $0.field == "password" }?.message ?? problems.first?.message
            return try await page(request, preview: preview, name: form.name, passwordError: message, status: .unprocessableEntity)
        } catch let error as AppError {
            let (problem, headers) = error.problem(requestId: request.requestID)
            let response = try await page(
                request, preview: preview, name: form.name, error: problem.detail, status: HTTPResponseStatus(statusCode: problem.status))
            if let retryAfter = headers.first(name: .retryAfter) { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
    }
}
