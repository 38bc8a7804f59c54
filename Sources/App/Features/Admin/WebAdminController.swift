import Fluent
import Vapor

/// The admin pages: members with their roles and site access, API keys (the key shown once), the audit trail
/// with its verification, and alerts. They call the operations the API calls (``Members``, ``Invitations``,
/// ``APIKeys``, ``AuditEvents``, ``Alerts``), so the same rules apply: nobody grants a role or a scope above
/// their own, the last owner stays.
struct WebAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin")
        admin.get("users", use: Self.users)
        admin.post("users", use: Self.addUser)
        admin.post("users", ":userID", use: Self.updateUser)
        admin.post("users", ":userID", "remove", use: Self.removeUser)
        admin.post("users", ":userID", "reset-password", use: Self.resetPassword)
        admin.post("invitations", ":invitationID", "withdraw", use: Self.withdrawInvitation)
        admin.get("api-keys", use: Self.apiKeys)
        admin.post("api-keys", use: Self.createAPIKey)
        admin.post("api-keys", ":apiKeyID", "revoke", use: Self.revokeAPIKey)
        admin.get("audit", use: Self.audit)
        admin.get("alerts", use: Self.alerts)
        admin.post("alerts", ":alertID", "resolve", use: Self.resolveAlert)
        admin.get("jobs", use: Self.jobs)
        admin.post("jobs", ":jobID", "retry", use: Self.retryJob)
        admin.post("jobs", ":jobID", "cancel", use: Self.cancelJob)
    }

    typealias Choice = WebOption

    // MARK: Members

    struct MemberRow: Encodable {
        var id: String
        var email: String
        var name: String
        var role: String
        var roles: [Choice]
        var allSites: Bool
        var sites: [Choice]
        var siteNames: String
        var version: Int
        var isMe: Bool
    }

    struct InvitationRow: Encodable {
        var id: String
        var email: String
        var role: String
        var status: String
        var expires: String
    }

    struct UsersPage: Encodable {
        var page: PageContext
        var members: [MemberRow]
        var invitations: [InvitationRow]
        var roles: [Choice]
        var sites: [Choice]
        var canCreate: Bool
        var canUpdate: Bool
        var canDelete: Bool
        /// The e-mail just invited, and the link to give them (shown only now).
        var invited: String?
        var invitationLink: String?
        /// The member whose password was just reset, and the one-time password (shown only now).
        var reset: String?
        var resetPassword: String?
        var errors: [String: String]
        var values: [String: String]
        var problem: String?
    }

    static func usersPage(
        _ request: Request, principal: Principal, invited: String? = nil, link: String? = nil, reset: String? = nil,
        password: String? = nil, errors: [String: String] = [:], problem: String? = nil
    ) async throws -> UsersPage {
        try principal.require(.usersRead)
        let values = WebAPI.body(request, ["email": .text, "name": .text])
            .compactMapValues { if case .string(let text) = $0 { text } else { nil } }
        let members = try await Members.list(.init(limit: 500, sortName: "email", descending: false), principal: principal, on: request.db)
            .items
        let invitations = try await Invitations.list(
            .init(limit: 500, sortName: "createdAt", descending: true), principal: principal, on: request.db
        ).items
        let sites = try await principal.rows(Site.DTO.self, orderedBy: "name", on: request.db)
        let siteNames = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0.name) })
        let grantable = Role.allCases.filter { MemberPolicy.mayGrant($0, principal: principal) }
        return UsersPage(
            page: try await WebSession.page("Members", section: "admin", principal: principal, request: request),
            members: members.map { member in
                MemberRow(
                    id: member.id.uuidString, email: member.email, name: member.name, role: member.role.rawValue,
                    roles: grantable.map { Choice(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: $0 == member.role) },
                    allSites: member.siteIds == nil,
                    sites: sites.map {
                        Choice(value: $0.id.uuidString, label: $0.name, selected: member.siteIds?.contains($0.id) ?? false)
                    },
                    siteNames: member.siteIds.map { $0.compactMap { siteNames[$0] }.joined(separator: ", ") } ?? "All sites",
                    version: member.version, isMe: member.id == principal.userID)
            },
            invitations: invitations.map {
                InvitationRow(
                    id: $0.id.uuidString, email: $0.email, role: WebFormat.label($0.role.rawValue), status: $0.status.rawValue,
                    expires: WebFormat.date($0.expiresAt))
            },
            roles: grantable.map { Choice(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: $0 == .technician) },
            sites: sites.map { Choice(value: $0.id.uuidString, label: $0.name, selected: false) },
            canCreate: principal.can(.usersCreate), canUpdate: principal.can(.usersUpdate), canDelete: principal.can(.usersDelete),
            invited: invited, invitationLink: link, reset: reset, resetPassword: password, errors: errors, values: values,
            problem: problem)
    }

    @Sendable static func users(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebPage.render("admin-users", try await usersPage(request, principal: principal), for: request)
    }

    /// A members form: `change` calls the operation; a refusal shows the page again with its errors.
    static func onUsers(_ request: Request, done: String, _ change: (Principal) async throws -> Void) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebForm.submit(request, done: done, redirect: "/admin/users", template: "admin-users") {
            try await change(principal)
        } page: { errors, problem in
            try await usersPage(request, principal: principal, errors: errors, problem: problem)
        }
    }

    /// Site access from the form: "all sites", or the ticked ones.
    static func siteAccess(_ request: Request) -> JSONValue {
        if (try? request.content.get(String.self, at: "allSites")) == "on" { return .null }
        return WebAPI.body(request, ["siteIds": .list])["siteIds"] ?? .array([])
    }

    @Sendable static func addUser(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        var body = WebAPI.body(request, ["email": .text, "name": .text, "role": .text])
        if case .array(let sites) = siteAccess(request) { body["siteIds"] = .array(sites) }
        return try await WebForm.orRefused(request, template: "admin-users") {
            let invited = try await Members.invite(from: { JSONBody(values: body) }, principal: principal, through: request)
            // Shown once, on this page: never kept in the session.
            let page = try await usersPage(request, principal: principal, invited: invited.invitation.email, link: invited.link)
            return try await WebPage.render("admin-users", page, status: .created, for: request)
        } page: { errors, problem in
            try await usersPage(request, principal: principal, errors: errors, problem: problem)
        }
    }

    @Sendable static func updateUser(_ request: Request) async throws -> Response {
        var body = WebAPI.body(request, ["role": .text])
        body["siteIds"] = siteAccess(request)
        return try await onUsers(request, done: "Member updated.") { principal in
            _ = try await Members.update(
                try request.pathID("userID"), from: { JSONBody(values: body) }, expected: WebForm.expectedVersion(request),
                principal: principal,
                through: request)
        }
    }

    @Sendable static func resetPassword(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebForm.orRefused(request, template: "admin-users") {
            let reset = try await Members.resetPassword(try request.pathID("userID"), principal: principal, through: request)
            let page = try await usersPage(request, principal: principal, reset: reset.email, password: reset.password)
            return try await WebPage.render("admin-users", page, for: request)
        } page: { errors, problem in
            try await usersPage(request, principal: principal, errors: errors, problem: problem)
        }
    }

    @Sendable static func withdrawInvitation(_ request: Request) async throws -> Response {
        try await onUsers(request, done: "Invitation withdrawn.") { principal in
            try await Invitations.withdraw(try request.pathID("invitationID"), principal: principal, through: request)
        }
    }

    @Sendable static func removeUser(_ request: Request) async throws -> Response {
        try await onUsers(request, done: "Member removed.") { principal in
            try await Members.remove(
                try request.pathID("userID"), expected: WebForm.expectedVersion(request), principal: principal, through: request)
        }
    }

    // MARK: API keys

    struct KeyRow: Encodable {
        var id: String
        var name: String
        var prefix: String
        var scopes: String
        var lastUsed: String
        var expires: String
        var revoked: Bool
    }

    struct KeysPage: Encodable {
        var page: PageContext
        var keys: [KeyRow]
        var scopes: [Choice]
        var canCreate: Bool
        var canRevoke: Bool
        var createdKey: String?
        var createdName: String?
        var errors: [String: String]
        var problem: String?
    }

    static func keysPage(
        _ request: Request, principal: Principal, key: String? = nil, name: String? = nil, errors: [String: String] = [:],
        problem: String? = nil
    ) async throws -> KeysPage {
        let keys = try await APIKeys.list(.init(limit: 500, sortName: "createdAt", descending: true), principal: principal, on: request.db)
            .items
        return KeysPage(
            page: try await WebSession.page("API keys", section: "admin", principal: principal, request: request),
            keys: keys.map {
                KeyRow(
                    id: $0.id.uuidString, name: $0.name, prefix: $0.prefix, scopes: $0.scopes.joined(separator: ", "),
                    lastUsed: WebFormat.dateTime($0.lastUsedAt), expires: WebFormat.date($0.expiresAt), revoked: $0.revokedAt != nil)
            },
            scopes: principal.permissions.sorted().map { Choice(value: $0.rawValue, label: $0.rawValue, selected: false) },
            canCreate: principal.can(.apiKeysCreate), canRevoke: principal.can(.apiKeysRevoke), createdKey: key, createdName: name,
            errors: errors, problem: problem)
    }

    @Sendable static func apiKeys(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebPage.render("admin-api-keys", try await keysPage(request, principal: principal), for: request)
    }

    @Sendable static func createAPIKey(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let body = WebAPI.body(request, ["name": .text, "scopes": .list, "expiresAt": .day])
        return try await WebForm.orRefused(request, template: "admin-api-keys") {
            let created = try await APIKeys.create(from: { JSONBody(values: body) }, principal: principal, through: request)
            // The key is shown once, on this page, and never stored readable.
            let page = try await keysPage(request, principal: principal, key: created.key, name: created.apiKey.name)
            return try await WebPage.render("admin-api-keys", page, status: .created, for: request)
        } page: { errors, problem in
            try await keysPage(request, principal: principal, errors: errors, problem: problem)
        }
    }

    @Sendable static func revokeAPIKey(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        try await APIKeys.revoke(try request.pathID("apiKeyID"), principal: principal, through: request)
        WebSession.flash("API key revoked.", request)
        return request.redirect(to: "/admin/api-keys", redirectType: .normal)
    }

    // MARK: Audit

    struct EventRow: Encodable {
        var sequence: Int
        var when: String
        var actor: String
        var action: String
        var entity: String
    }

    struct AuditPage: Encodable {
        var page: PageContext
        var events: [EventRow]
        var nextPage: String?
        var verified: Bool
        var verification: AuditChain.Verification?
    }

    @Sendable static func audit(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebPage.render("admin-audit", try await auditPage(request, principal: principal), for: request)
    }

    /// The audit trail's page: 100 events a page, newest first, and the chain's verification when asked.
    static func auditPage(_ request: Request, principal: Principal) async throws -> AuditPage {
        var parameters = try ListParameters(request, sortable: AuditEvents.sorts.map(\.name), defaultSort: "-sequence")
        parameters.limit = 100
        let verify = request.queryParameter("verify") == "1"
        let (events, next) = try await AuditEvents.list(.init(), parameters, principal: principal, on: request.db)
        var verification: AuditChain.Verification?
        if verify { verification = try await AuditEvents.verify(principal: principal, seal: request.application.auditSeal, on: request.db) }
        let page = AuditPage(
            page: try await WebSession.page("Audit trail", section: "admin", principal: principal, request: request),
            events: events.map {
                EventRow(
                    sequence: $0.sequence, when: WebFormat.dateTime($0.occurredAt), actor: $0.actor.label, action: $0.action,
                    entity: [$0.entityType, $0.entityId?.uuidString].compactMap { $0 }.joined(separator: " "))
            },
            nextPage: next.map { "/admin/audit?cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") },
            verified: verify, verification: verification)
        return page
    }

    // MARK: Alerts

    struct AlertRow: Encodable {
        var id: String
        var kind: String
        var message: String
        var since: String
    }

    struct AlertsPage: Encodable {
        var page: PageContext
        var alerts: [AlertRow]
        var canResolve: Bool
        var flash: String?
    }

    /// `/admin/alerts`: what needs someone's attention — PM schedules that cannot make their work orders first,
    /// then low stock.
    @Sendable static func alerts(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebPage.render("admin-alerts", try await alertsPage(request, principal: principal), for: request)
    }

    /// The alerts' page: failed PM generations first, then low stock.
    static func alertsPage(_ request: Request, principal: Principal) async throws -> AlertsPage {
        let open = try await Alerts.list(
            status: .open, .init(limit: 500, sortName: "createdAt", descending: true), principal: principal, on: request.db
        ).items
        let ordered = open.filter { $0.kind == .pmGenerationFailed } + open.filter { $0.kind != .pmGenerationFailed }
        let page = AlertsPage(
            page: try await WebSession.page("Alerts", section: "admin", principal: principal, request: request),
            alerts: ordered.map {
                AlertRow(
                    id: $0.id.uuidString, kind: WebFormat.label($0.kind.rawValue), message: $0.message,
                    since: WebFormat.dateTime($0.createdAt))
            },
            canResolve: principal.can(.partsWrite), flash: request.queryParameter("done"))
        return page
    }

    @Sendable static func resolveAlert(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        return try await WebForm.submit(request, done: "Alert resolved.", redirect: "/admin/alerts", template: "admin-alerts") {
            _ = try await Alerts.resolve(try request.pathID("alertID"), principal: principal, through: request)
        } page: { _, problem in
            AlertsPage(
                page: try await WebSession.page("Alerts", section: "admin", principal: principal, request: request), alerts: [],
                canResolve: false, flash: problem)
        }
    }

    // MARK: Jobs

    struct JobRow: Encodable {
        var id: String
        var kind: String
        var state: String
        var attempts: String
        var runAt: String
        var lastError: String?
        var canRetry: Bool
        var canCancel: Bool
    }

    struct JobsPage: Encodable {
        var page: PageContext
        var jobs: [JobRow]
        var states: [Choice]
        var flash: String?
    }

    /// `/admin/jobs`: the organization's background work — what waits, what failed and why — with retry and cancel.
    @Sendable static func jobs(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.organizationUpdate, request)
        return try await WebPage.render("admin-jobs", try await jobsPage(request, principal: principal), for: request)
    }

    /// The jobs page's context: the newest 200 of the organization's jobs, `?state=`'s only when given.
    static func jobsPage(_ request: Request, principal: Principal, flash: String? = nil) async throws -> JobsPage {
        let state = request.queryParameter("state").flatMap(JobRecord.State.init(rawValue:))
        let jobs = try await OrganizationJobs.list(state: state, principal: principal, on: request.db)
        return JobsPage(
            page: try await WebSession.page("Jobs", section: "admin", principal: principal, request: request),
            jobs: jobs.map {
                JobRow(
                    id: $0.id.uuidString, kind: $0.kind, state: $0.state.rawValue, attempts: "\($0.attempts) of \($0.maxAttempts)",
                    runAt: WebFormat.dateTime($0.runAt), lastError: $0.lastError,
                    canRetry: [.dead, .cancelled, .queued].contains($0.state), canCancel: $0.state == .queued)
            },
            states: [Choice(value: "", label: "All", selected: state == nil)]
                + JobRecord.State.allCases.map { Choice(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: $0 == state) },
            flash: flash ?? request.queryParameter("done"))
    }

    @Sendable static func retryJob(_ request: Request) async throws -> Response {
        try await steerJob(request, done: "Job queued to run again.") { id, principal in
            try await OrganizationJobs.retry(id, principal: principal, through: request)
        }
    }

    @Sendable static func cancelJob(_ request: Request) async throws -> Response {
        try await steerJob(request, done: "Job cancelled.") { id, principal in
            try await OrganizationJobs.cancel(id, principal: principal, through: request)
        }
    }

    static func steerJob(_ request: Request, done: String, _ change: (UUID, Principal) async throws -> Void) async throws -> Response {
        let principal = try await WebSession.require(.organizationUpdate, request)
        return try await WebForm.submit(request, done: done, redirect: "/admin/jobs", template: "admin-jobs") {
            try await change(try request.pathID("jobID"), principal)
        } page: { _, problem in
            try await jobsPage(request, principal: principal, flash: problem)
        }
    }
}
