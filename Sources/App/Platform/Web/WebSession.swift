import Fluent
import Vapor

/// The cookie session behind the web pages: who is signed in, in which organization, and the CSRF token.
enum WebSession {
    static let csrfField = "csrfToken"
    static let csrfHeader = "X-CSRF-Token"

    /// Thrown by a page that needs a signed-in member; ``WebErrorMiddleware`` turns it into a redirect to sign-in.
    struct SignInRequired: Error {
        var returnTo: String
    }

    /// The member signed in through this session, read fresh from the database (a removed member is signed out).
    static func principal(_ request: Request) async throws -> Principal? {
        guard let userID = request.session.data["userID"].flatMap(UUID.init(uuidString:)),
            let organizationID = request.session.data["organizationID"].flatMap(UUID.init(uuidString:))
        else { return nil }
        return try? await Authenticator.memberPrincipal(
            userID: userID, organizationID: organizationID, credential: .session, on: request.db)
    }

    /// The signed-in member, or a redirect to the sign-in page that comes back here. The principal is kept on the
    /// request, so the domain code the API uses (audit context, policies) works the same for pages.
    static func requirePrincipal(_ request: Request) async throws -> Principal {
        if let principal = request.optionalPrincipal { return principal }
        guard let principal = try await principal(request) else {
            let path = request.url.path
            throw SignInRequired(returnTo: request.method == .GET ? path + (request.url.query.map { "?\($0)" } ?? "") : "/")
        }
        request.optionalPrincipal = principal
        return principal
    }

    /// The signed-in member holding `permission`; a member without it sees a 403 page.
    static func require(_ permission: Permission, _ request: Request) async throws -> Principal {
        let principal = try await requirePrincipal(request)
        try principal.require(permission)
        return principal
    }

    /// A `next` address that stays on this site, else home.
    ///
    /// Browsers forgive a lot in a `Location`: they drop tabs and line breaks and read `\\` as `/`, so `/\t/evil`,
    /// `/\\evil` and `/%2F/evil` all lead to another host. Only a path is taken that, as given and once more
    /// percent-decoded, starts with one `/` followed by something other than `/` or `\\`, and holds no control
    /// character and no backslash anywhere.
    static func localPath(_ raw: String?) -> String {
        func staysHere(_ form: String) -> Bool {
            let scalars = Array(form.unicodeScalars)
            return scalars.first == "/" && (scalars.count == 1 || (scalars[1] != "/" && scalars[1] != "\\"))
                && !scalars.contains { $0 == "\\" || CharacterSet.controlCharacters.contains($0) } && !form.contains("://")
        }
        guard let raw, staysHere(raw), staysHere(raw.removingPercentEncoding ?? raw) else { return "/" }
        return raw
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

    /// The CSRF token a request presents: the form field (URL-encoded or multipart) or the header scripts send.
    static func presentedCSRF(_ request: Request) -> String? {
        if let header = request.headers.first(name: csrfHeader) { return header }
        guard let type = request.headers.contentType,
            type == .urlEncodedForm || (type.type == "multipart" && type.subType == "form-data")
        else { return nil }
        return try? request.content.get(String.self, at: csrfField)
    }

    /// Starts a signed-in session in `organizationID` under a new session id, with a fresh CSRF token: an id or token
    /// seen (or planted) before is worth nothing after. Also used when the member switches organization.
    static func signIn(userID: UUID, organizationID: UUID, request: Request) async throws {
        try await WebSessions.renewID(request)
        request.session.data["userID"] = userID.uuidString
        request.session.data["organizationID"] = organizationID.uuidString
        request.session.data[csrfField] = Secrets.randomToken(length: 32)
    }

    /// The layout's context for a signed-in member: navigation by permission, the organizations they belong to.
    static func page(_ title: String, section: String, principal: Principal, request: Request) async throws -> PageContext {
        guard let userID = principal.userID else { throw AppError.forbidden("Pages are for people.") }
        // One written-out read on every page: the member's name and their organizations, by name.
        let rows = try await request.db.sql.raw(
            """
            SELECT "o"."id", "o"."name", "u"."name" AS "user_name" FROM "memberships" AS "m" \
            INNER JOIN "organizations" AS "o" ON "o"."id" = "m"."organization_id" INNER JOIN "users" AS "u" ON "u"."id" = "m"."user_id" \
            WHERE "m"."user_id" = \(bind: userID) ORDER BY "o"."name"
            """
        ).all().map(RowReader.init)
        let organizations = try rows.map { (id: try $0.uuid("id"), name: try $0.string("name")) }
        let userName = try rows.first?.string("user_name")
        // Each link: its section, label, address, and the permissions any one of which opens it (none: everyone).
        var links: [(section: String, label: String, href: String, anyOf: [Permission])] = [
            ("home", "Home", "/", []),
            ("work-orders", "Work orders", "/work-orders", [.workOrdersRead]),
            ("board", "Board", "/work-orders/board", [.workOrdersRead]),
            ("assets", "Assets", "/assets", [.assetsRead]),
            // Requests are for those who send them and those who decide on them.
            ("requests", "Requests", "/requests", [.requestsCreate, .requestsManage]),
            ("pm-schedules", "PM", "/pm-schedules", [.workOrdersManage]),
            ("parts", "Parts", "/parts", [.partsRead]),
            ("purchase-orders", "Purchasing", "/purchase-orders", [.purchaseOrdersRead]),
            ("vendors", "Vendors", "/vendors", [.partsRead]),
            ("clients", "Clients", "/clients", [.clientsRead]),
            ("sites", "Sites", "/sites", [.sitesRead]),
            ("diagnose", "Diagnose", "/diagnose", [.diagnosesCreate]),
        ]
        // Admin opens on the first of its pages the member may see.
        if let admin = [("/admin/users", Permission.usersRead), ("/admin/api-keys", .apiKeysRead), ("/admin/audit", .auditRead)]
            .first(where: { principal.can($0.1) })
        {
            links.append(("admin", "Admin", admin.0, [admin.1]))
        }
        links = links.filter { $0.anyOf.isEmpty || $0.anyOf.contains(where: principal.can) }
        return PageContext(
            title: title, csrfToken: csrfToken(request), signedIn: true, userName: userName, userEmail: principal.email,
            role: principal.role?.rawValue, organizationName: organizations.first { $0.id == principal.organizationID }?.name,
            organizations: organizations.map {
                PageContext.OrganizationChoice(id: $0.id.uuidString, name: $0.name, current: $0.id == principal.organizationID)
            },
            nav: links.map { PageContext.Link(label: $0.label, href: $0.href, active: $0.section == section) },
            flash: takeFlash(request))
    }

    /// Leaves a one-line message for the next page shown.
    static func flash(_ message: String, _ request: Request) {
        request.session.data["flash"] = message
    }

    static func takeFlash(_ request: Request) -> String? {
        defer { request.session.data["flash"] = nil }
        return request.session.data["flash"]
    }
}

/// Refuses a state-changing request to the signed-in pages that does not carry the session's CSRF token.
struct WebCSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method != .GET && request.method != .HEAD {
            // The token is in the body: a large upload still streams here (its route collects it later), so it is
            // collected now, up to what an upload may be.
            if request.headers.first(name: WebSession.csrfHeader) == nil, request.body.data == nil {
                let limit = request.application.config.maxAttachmentSize + 2 * 1024 * 1024
                _ = try await request.body.collect(max: limit).get()
            }
            guard WebSession.checkCSRF(WebSession.presentedCSRF(request), request) else {
                throw AppError.forbidden("The form expired. Go back, reload the page and try again.")
            }
        }
        return try await next.respond(to: request)
    }
}

/// Shows the web pages' errors as pages, not problem+json: sign-in redirects, "not found", "not allowed".
struct WebErrorMiddleware: AsyncMiddleware {
    struct ErrorPage: Encodable {
        var page: PageContext
        var status: Int
        var heading: String
        var detail: String
        /// Each field at fault: `priority: must be one of …`.
        var errors: [String]
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let required as WebSession.SignInRequired {
            var components = URLComponents()
            components.path = "/sign-in"
            if required.returnTo != "/" { components.queryItems = [URLQueryItem(name: "next", value: required.returnTo)] }
            return request.redirect(to: components.string ?? "/sign-in", redirectType: .normal)
        } catch {
            let (problem, headers) = ProblemMiddleware.problem(for: error, request: request)
            let status = HTTPResponseStatus(statusCode: problem.status)
            var detail = problem.detail ?? ""
            if status == .notFound && (detail.isEmpty || detail == "Not Found") {
                detail = "There is no such page, or it is not yours to see."
            }
            if status.code >= 500 && detail.isEmpty { detail = "The error was logged with request id \(request.requestID)." }
            let heading = problem.title
            let page = ErrorPage(
                page: PageContext.anonymous(heading, request: request), status: Int(status.code), heading: heading, detail: detail,
                errors: (problem.errors ?? []).map { "\($0.field): \($0.message)" })
            let response = try await WebPage.render("error", page, status: status, for: request)
            if let retryAfter = headers.first(name: .retryAfter) { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
    }
}
