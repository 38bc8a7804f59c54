import Fluent
import Maintenance
import Vapor

/// The signed-in web app's frame: sign-in and sign-out, the organization switcher, the password change and the
/// home page for each role. Registered behind the sessions middleware (cookie session); every form carries a
/// CSRF token bound to the session.
struct WebController: RouteCollection {
    static let csrfField = WebSession.csrfField

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: Self.home)
        routes.get("sign-in", use: Self.signInForm)
        routes.post("sign-in", use: Self.signIn)
        routes.post("sign-out", use: Self.signOut)
        let pages = routes.grouped(WebErrorMiddleware(), WebCSRFMiddleware())
        pages.post("organizations", "switch", use: Self.switchOrganization)
        pages.get("account", use: Self.account)
        pages.post("account", "password", use: Self.changePassword)
        pages.post("account", "sign-out-others", use: Self.signOutOthers)
    }

    // MARK: Signing in and out

    struct SignInPage: Encodable {
        var page: PageContext
        var email: String
        var next: String
        var error: String?
    }

    static func signInPage(
        _ request: Request, email: String = "", next: String = "/", error: String? = nil, status: HTTPResponseStatus = .ok
    )
        async throws -> Response
    {
        let page = SignInPage(page: .anonymous("Sign in", request: request), email: email, next: next, error: error)
        return try await WebPage.render("sign-in", page, status: status, for: request)
    }

    @Sendable static func signInForm(_ request: Request) async throws -> Response {
        let next = WebSession.localPath(request.queryParameter("next"))
        if try await WebSession.principal(request) != nil { return request.redirect(to: next) }
        return try await signInPage(request, next: next)
    }

    @Sendable static func signIn(_ request: Request) async throws -> Response {
        struct Form: Content {
            var email: String?
            var password: String?
            var csrfToken: String?
            var next: String?
        }
        let form = WebForm.decode(Form.self, request) ?? Form()
        let next = WebSession.localPath(form.next)
        guard WebSession.checkCSRF(form.csrfToken, request) else {
            return try await signInPage(
                request, email: form.email ?? "", next: next, error: "The form expired. Please try again.", status: .forbidden)
        }
        guard let email = form.email, !email.isEmpty, let password = form.password, !password.isEmpty else {
            return try await signInPage(
                request, email: form.email ?? "", next: next, error: "Enter your e-mail and password.", status: .unprocessableEntity)
        }
        do {
            let success = try await SignIn.authenticate(email: email, password: password, organizationID: nil, request: request)
            try await WebSession.signIn(
                userID: try success.user.requireID(), organizationID: success.membership.organizationID, request: request)
            return request.redirect(to: next, redirectType: .normal)
        } catch let error as AppError {
            let (problem, headers) = error.problem(requestId: request.requestID)
            let response = try await signInPage(
                request, email: email, next: next, error: problem.detail, status: HTTPResponseStatus(statusCode: problem.status))
            if let retryAfter = headers.first(name: .retryAfter) { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
    }

    @Sendable static func signOut(_ request: Request) async throws -> Response {
        struct Form: Content { var csrfToken: String? }
        let form = WebForm.decode(Form.self, request) ?? Form()
        guard WebSession.checkCSRF(form.csrfToken, request) else { throw AppError.forbidden("The form expired. Please try again.") }
        request.session.destroy()
        return request.redirect(to: "/", redirectType: .normal)
    }

    // MARK: Organization and account

    @Sendable static func switchOrganization(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        struct Form: Content { var organizationId: String? }
        let form = WebForm.decode(Form.self, request) ?? Form()
        guard let userID = principal.userID, let organizationID = form.organizationId.flatMap(UUID.init(uuidString:)),
            try await Membership.query(on: request.db).filter(\.$user.$id == userID).filter(\.$organizationID == organizationID).first()
                != nil
        else {
            throw AppError.notFound("You are not a member of that organization.")
        }
        try await WebSession.signIn(userID: userID, organizationID: organizationID, request: request)
        return request.redirect(to: "/", redirectType: .normal)
    }

    struct AccountPage: Encodable {
        var page: PageContext
        var errors: [String: String]
        var sessionIdleHours: Int
        var sessionLifetimeDays: Int

        init(page: PageContext, errors: [String: String], config: AppConfig) {
            self.page = page
            self.errors = errors
            sessionIdleHours = Int((config.sessionIdleTimeout / 3600).rounded())
            sessionLifetimeDays = Int((config.sessionLifetime / 86400).rounded())
        }
    }

    @Sendable static func account(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let page = try await WebSession.page("Your account", section: "account", principal: principal, request: request)
        return try await WebPage.render("account", AccountPage(page: page, errors: [:], config: request.application.config), for: request)
    }

    @Sendable static func changePassword(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        struct Form: Content {
            var currentPassword: String?
            var newPassword: String?
        }
        let form = WebForm.decode(Form.self, request) ?? Form()
        var values: [String: JSONValue] = [:]
        if let current = form.currentPassword, !current.isEmpty { values["currentPassword"] = .string(current) }
        if let new = form.newPassword, !new.isEmpty { values["newPassword"] = .string(new) }
        do {
            try await Accounts.changePassword(from: { JSONBody(values: values) }, principal: principal, through: request)
        } catch AppError.validation(let problems) {
            let page = try await WebSession.page("Your account", section: "account", principal: principal, request: request)
            return try await WebPage.render(
                "account", AccountPage(page: page, errors: WebForm.errors(problems), config: request.application.config),
                status: .unprocessableEntity, for: request)
        }
        // This browser stays signed in, under a new session id.
        if let userID = principal.userID {
            try await WebSession.signIn(userID: userID, organizationID: principal.organizationID, request: request)
        }
        WebSession.flash("Password changed. Other sign-ins of your account have ended.", request)
        return request.redirect(to: "/account", redirectType: .normal)
    }

    /// "Sign out other sessions": every other browser and every API sign-in of this account ends; this one stays.
    @Sendable static func signOutOthers(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        guard let userID = principal.userID else { throw AppError.forbidden("Pages are for people.") }
        let current = request.session.id
        let context = try request.auditContext
        try await request.write { db in
            try await Accounts.endSignIns(of: userID, except: current, on: db)
            try await AuditLog.record(
                "user.signed_out_everywhere", entityType: "user", entityID: userID, organizationID: principal.organizationID,
                context: context, on: db)
        }
        try await WebSession.signIn(userID: userID, organizationID: principal.organizationID, request: request)
        WebSession.flash("Your other sessions have ended.", request)
        return request.redirect(to: "/account", redirectType: .normal)
    }

    // MARK: Home

    @Sendable static func home(_ request: Request) async throws -> Response {
        guard let principal = try await WebSession.principal(request) else { return try await signInPage(request) }
        request.optionalPrincipal = principal
        let page = try await WebSession.page("Home", section: "home", principal: principal, request: request)
        let home = try await WebHome.build(principal: principal, page: page, on: request.db)
        return try await WebPage.render("home", home, for: request)
    }
}
