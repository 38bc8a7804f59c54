import Fluent
import Maintenance
import Vapor

/// The requests page: requesters send a request and follow theirs; those who manage requests approve them
/// (a work order is made) or decline them with a reason. Changes go through the ``Requests`` operations the API
/// calls.
struct WebRequestController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("requests", use: Self.list)
        routes.post("requests", use: Self.create)
        routes.post("requests", ":requestID", "approve", use: Self.approve)
        routes.post("requests", ":requestID", "decline", use: Self.decline)
        routes.post("requests", ":requestID", "cancel", use: Self.cancel)
    }

    struct Row: Encodable {
        var id: String
        var title: String
        var description: String?
        var status: String
        var statusLabel: String
        var asset: String?
        var site: String?
        var requester: String?
        var sent: String
        var declineReason: String?
        var workOrder: String?
        var pending: Bool
        var mine: Bool
    }

    struct ListPage: Encodable {
        var page: PageContext
        var manages: Bool
        var canSend: Bool
        var pending: [Row]
        var others: [Row]
        var sites: [WebOption]
        var assets: [WebOption]
        var errors: [String: String]
        var values: [String: String]
        var problem: String?
    }

    static func requirePrincipal(_ request: Request) async throws -> Principal {
        let principal = try await WebSession.requirePrincipal(request)
        try Requests.requireAccess(principal)
        return principal
    }

    static func page(
        _ request: Request, principal: Principal, errors: [String: String] = [:], problem: String? = nil
    ) async throws -> ListPage {
        let db = request.db
        let manages = principal.can(.requestsManage)
        let requests = try await Requests.list(.init(limit: 200, sortName: "createdAt", descending: true), principal: principal, on: db)
            .items
        // Only those who may read assets pick one; others name the site.
        let assets =
            principal.can(.assetsRead)
            ? try await Assets.list(AssetFilter(), .init(limit: 1000, sortName: "tag", descending: false), principal: principal, on: db)
                .items : []
        let assetNames = Dictionary(uniqueKeysWithValues: assets.map { ($0.id, "\($0.tag) \($0.name)") })
        let sites = try await WebOption.sites(principal, selected: nil, on: db)
        let siteNames = Dictionary(uniqueKeysWithValues: sites.map { ($0.value, $0.label) })
        let userNames = try await principal.names(
            Set(requests.compactMap(\.requesterUserId)), table: User.schema, label: #""name""#, tenant: false, on: db)
        let rows = requests.map { item in
            Row(
                id: item.id.uuidString, title: item.title, description: item.description, status: item.status.rawValue,
                statusLabel: WebFormat.label(item.status.rawValue), asset: item.assetId.flatMap { assetNames[$0] },
                site: siteNames[item.siteId.uuidString],
                requester: item.requesterUserId.flatMap { userNames[$0] } ?? item.contactName.map { "\($0) (QR form)" },
                sent: WebFormat.dateTime(item.createdAt), declineReason: item.declineReason, workOrder: item.workOrderId?.uuidString,
                pending: item.status == .pending, mine: item.requesterUserId != nil && item.requesterUserId == principal.userID)
        }
        let values = WebAPI.body(request, ["title": .text, "description": .text, "reason": .text])
            .compactMapValues { if case .string(let text) = $0 { text } else { nil } }
        return ListPage(
            page: try await WebSession.page("Requests", section: "requests", principal: principal, request: request), manages: manages,
            canSend: principal.can(.requestsCreate), pending: rows.filter(\.pending), others: rows.filter { !$0.pending },
            sites: sites,
            assets: [WebOption(value: "", label: "No particular asset", selected: true)]
                + assets.map { WebOption(value: $0.id.uuidString, label: "\($0.tag) \($0.name)", selected: false) },
            errors: errors, values: values, problem: problem)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try await requirePrincipal(request)
        return try await WebPage.render("requests", try await page(request, principal: principal), for: request)
    }

    /// A form on the requests page: `change` calls the operation with the form's `fields` as its body and the
    /// request's id (when the path names one); a refusal shows the page again with its errors.
    static func perform(
        _ request: Request, fields: [String: WebAPI.Field], done message: String,
        _ change: (_ body: JSONBody, _ principal: Principal) async throws -> Void
    ) async throws -> Response {
        let principal = try await requirePrincipal(request)
        let body = JSONBody(values: WebAPI.body(request, fields))
        return try await WebForm.submit(request, done: message, redirect: "/requests", template: "requests") {
            try await change(body, principal)
        } page: { errors, problem in
            try await page(request, principal: principal, errors: errors, problem: problem)
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        try await perform(
            request, fields: ["title": .text, "description": .text, "assetId": .text, "siteId": .text], done: "Request sent."
        ) { body, principal in
            _ = try await Requests.create(from: { body }, principal: principal, through: request)
        }
    }

    @Sendable static func approve(_ request: Request) async throws -> Response {
        try await perform(request, fields: ["priority": .text], done: "Request approved: a work order was made.") { body, principal in
            _ = try await Requests.approve(
                try request.pathID("requestID"), from: { body }, expected: [], principal: principal, through: request)
        }
    }

    @Sendable static func decline(_ request: Request) async throws -> Response {
        try await close(request, to: .declined, done: "Request declined.")
    }

    @Sendable static func cancel(_ request: Request) async throws -> Response {
        try await close(request, to: .cancelled, done: "Request cancelled.")
    }

    static func close(_ request: Request, to status: MaintenanceRequest.Status, done: String) async throws -> Response {
        try await perform(request, fields: status == .declined ? ["reason": .text] : [:], done: done) { body, principal in
            _ = try await Requests.close(
                try request.pathID("requestID"), to: status, from: { body }, expected: [], principal: principal, through: request)
        }
    }
}
