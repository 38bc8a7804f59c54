import Foundation
import Vapor

/// `GET /api/v1/openapi.json`: the hand-written OpenAPI 3.1 contract, `Sources/App/Resources/openapi.json`.
struct OpenAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json", use: Self.document)
    }

    /// The document's bytes, read once from the package's resources.
    static let documentData: Data? = {
        guard
            let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "openapi", withExtension: "json")
        else { return nil }
        return try? Data(contentsOf: url)
    }()

    @Sendable static func document(_ request: Request) async throws -> Response {
        guard let data = documentData else { throw AppError.serviceUnavailable("The OpenAPI document is missing from this build.") }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/json")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
