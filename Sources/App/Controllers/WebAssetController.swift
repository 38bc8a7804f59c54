import Fluent
import Vapor

/// The public request form an asset's QR label opens when the organization allows it: `/assets/{id}/request`.
/// (Members' asset pages are in ``WebAssetPageController``.)
struct WebAssetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assets", ":assetID", "request", use: Self.requestForm)
        routes.post("assets", ":assetID", "request", use: Self.submit)
    }

    @Sendable static func requestForm(_ request: Request) async throws -> Response {
        guard let (asset, _) = try? await PublicRequestController.publicAsset(request, on: request.db) else {
            return HTMLPage.notFound().response(status: .notFound)
        }
        return HTMLPage.requestForm(asset: asset, csrfToken: WebSession.csrfToken(request), values: [:], problems: []).response()
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        guard let (asset, organization) = try? await PublicRequestController.publicAsset(request, on: request.db) else {
            return HTMLPage.notFound().response(status: .notFound)
        }
        struct Form: Content {
            var title: String?
            var description: String?
            var contactName: String?
            var contactEmail: String?
            var csrfToken: String?
        }
        let form = WebController.form(Form.self, request) ?? Form()
        let values = [
            "title": form.title ?? "", "description": form.description ?? "", "contactName": form.contactName ?? "",
            "contactEmail": form.contactEmail ?? "",
        ]
        guard WebSession.checkCSRF(form.csrfToken, request) else {
            return HTMLPage.requestForm(
                asset: asset, csrfToken: WebSession.csrfToken(request), values: values,
                problems: [FieldProblem(field: "form", message: "expired; please send it again")]
            ).response(status: .forbidden)
        }
        var object: [String: JSONValue] = [:]
        for (key, value) in values where !value.trimmingCharacters(in: .whitespaces).isEmpty { object[key] = .string(value) }
        do {
            try await PublicRequestController.checkRate(request)
            var body = JSONBody(values: object)
            let input = try RequestController.Input(body: &body, isPublic: true)
            let (status, token) = try await PublicRequestController.create(
                input, asset: asset, organization: organization, request: request)
            return HTMLPage.requestReceived(asset: asset, requestID: status.id, token: token).response(status: .created)
        } catch AppError.validation(let problems) {
            // The same field errors the API gives, and nothing typed is lost.
            return HTMLPage.requestForm(asset: asset, csrfToken: WebSession.csrfToken(request), values: values, problems: problems)
                .response(status: .unprocessableEntity)
        }
    }
}

extension HTMLPage {
    static func notFound() -> Rendered {
        layout(title: "Not found", body: "<h1>Not found</h1><p>There is nothing here.</p>")
    }

    static func requestForm(asset: Asset, csrfToken: String, values: [String: String], problems: [FieldProblem]) -> Rendered {
        func problem(_ field: String) -> String {
            problems.filter { $0.field == field }.map { "<p class=\"error\" id=\"\(field)-error\">\(escape($0.message))</p>" }.joined()
        }
        let general = problems.filter { !["title", "description", "contactName", "contactEmail"].contains($0.field) }
            .map { "<p class=\"error\" role=\"alert\">\(escape($0.field)) \(escape($0.message))</p>" }.joined()
        return layout(
            title: "Report a problem",
            body: """
                <h1>Report a problem with \(escape(asset.name))</h1>
                <p>Asset \(escape(asset.tag)). Maintenance will look at your request.</p>
                \(general)
                <form method="post" action="/assets/\(asset.id?.uuidString.lowercased() ?? "")/request">
                <input type="hidden" name="csrfToken" value="\(escape(csrfToken))">
                <label for="title">What is wrong?</label>
                <input id="title" name="title" required maxlength="200" value="\(escape(values["title"] ?? ""))" aria-describedby="title-error">
                \(problem("title"))
                <label for="description">Details</label>
                <textarea id="description" name="description" rows="4" maxlength="10000">\(escape(values["description"] ?? ""))</textarea>
                \(problem("description"))
                <label for="contactName">Your name (optional)</label>
                <input id="contactName" name="contactName" maxlength="200" value="\(escape(values["contactName"] ?? ""))">
                <label for="contactEmail">Your e-mail (optional)</label>
                <input id="contactEmail" name="contactEmail" type="email" value="\(escape(values["contactEmail"] ?? ""))" aria-describedby="contactEmail-error">
                \(problem("contactEmail"))
                <button type="submit">Send</button>
                </form>
                """)
    }

    static func requestReceived(asset: Asset, requestID: UUID, token: String) -> Rendered {
        layout(
            title: "Request received",
            body: """
                <h1>Thank you</h1>
                <p>Your request about \(escape(asset.name)) was received.</p>
                <p>Keep this link to see what happens to it:
                <a id="status-link" href="/api/v1/public/requests/\(requestID.uuidString.lowercased())?token=\(escape(token))">request status</a></p>
                """)
    }
}
