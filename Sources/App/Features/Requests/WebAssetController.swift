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
        guard let (asset, _) = try? await PublicRequests.asset(request.pathID("assetID"), on: request.db) else {
            throw AppError.notFound("There is nothing here.")
        }
        return try await PublicRequestPage.form(request, asset: asset)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        guard let (asset, organization) = try? await PublicRequests.asset(request.pathID("assetID"), on: request.db) else {
            throw AppError.notFound("There is nothing here.")
        }
        struct Form: Content {
            var title: String?
            var description: String?
            var contactName: String?
            var contactEmail: String?
            var csrfToken: String?
        }
        let form = WebForm.decode(Form.self, request) ?? Form()
        let values = [
            "title": form.title ?? "", "description": form.description ?? "", "contactName": form.contactName ?? "",
            "contactEmail": form.contactEmail ?? "",
        ]
        guard WebSession.checkCSRF(form.csrfToken, request) else {
            return try await PublicRequestPage.form(
                request, asset: asset, values: values, problems: [FieldProblem(field: "form", message: "expired; please send it again")],
                status: .forbidden)
        }
        var object: [String: JSONValue] = [:]
        for (key, value) in values where !value.trimmingCharacters(in: .whitespaces).isEmpty { object[key] = .string(value) }
        do {
            let (status, token) = try await PublicRequests.submit(
                about: asset, of: organization, from: { JSONBody(values: object) }, through: request)
            return try await PublicRequestPage.received(request, asset: asset, requestID: status.id, token: token)
        } catch AppError.validation(let problems) {
            // The same field errors the API gives, and nothing typed is lost.
            return try await PublicRequestPage.form(request, asset: asset, values: values, problems: problems, status: .unprocessableEntity)
        }
    }
}

/// The public request form's pages.
enum PublicRequestPage {
    struct Form: Encodable {
        var page: PageContext
        var assetId: String
        var assetName: String
        var assetTag: String
        var values: [String: String]
        var errors: [String: String]
        var general: [String]
    }

    struct Received: Encodable {
        var page: PageContext
        var assetName: String
        var statusLink: String
    }

    static let fields = ["title", "description", "contactName", "contactEmail"]

    static func form(
        _ request: Request, asset: Asset, values: [String: String] = [:], problems: [FieldProblem] = [], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = Form(
            page: .anonymous("Report a problem", request: request), assetId: asset.id?.uuidString.lowercased() ?? "", assetName: asset.name,
            assetTag: asset.tag, values: values, errors: WebForm.errors(problems.filter { fields.contains($0.field) }),
            general: problems.filter { !fields.contains($0.field) }.map { "\($0.field) \($0.message)" })
        return try await WebPage.render("public-request", page, status: status, for: request)
    }

    static func received(_ request: Request, asset: Asset, requestID: UUID, token: String) async throws -> Response {
        let link = "/api/v1/public/requests/\(requestID.uuidString.lowercased())?token=\(token)"
        let page = Received(page: .anonymous("Request received", request: request), assetName: asset.name, statusLink: link)
        return try await WebPage.render("public-request-received", page, status: .created, for: request)
    }
}
