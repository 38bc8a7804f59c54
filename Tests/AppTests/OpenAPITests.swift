import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("OpenAPI document")
struct OpenAPITests {
    static func documentedOperations() throws -> Set<String> {
        let data = try #require(OpenAPIController.documentData, "Sources/App/Resources/openapi.json is missing")
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "patch", "delete"]
        return Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
    }

    static func registeredOperations(_ app: Application) -> Set<String> {
        Set(
            app.routes.all.filter { $0.path.count >= 2 && $0.path[0] == "api" && $0.path[1] == "v1" }.map { route in
                let path = route.path.dropFirst(2).map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }
                return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
            })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        try await withTestApp { app in
            let documented = try Self.documentedOperations()
            let registered = Self.registeredOperations(app)
            #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
            #expect(documented.subtracting(registered).sorted() == [], "openapi.json names routes that do not exist")
        }
    }

    @Test func theDocumentIsServed() async throws {
        try await withTestApp { app in
            let response = try await app.send(.GET, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(try response.json()["openapi"].stringValue == "3.1.0")
        }
    }
}
