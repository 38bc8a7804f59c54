import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Walks every route under `/api/v1` with a second tenant's owner against the first tenant's ids.
/// New routes are picked up automatically; a new path parameter needs an id in ``TenantWorld``.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    @Test func everyRouteWithAnIdAnswers404ForAnotherTenantsIds() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant("First")
            let second = try await app.makeTenant("Second")
            let world = try await app.makeWorld(first)
            let member = world.member
            var walked = 0
            for route in app.routes.all where Self.isAPI(route) && Self.parameters(of: route).count > 0 {
                var path = ""
                for component in route.path {
                    if case .parameter(let name) = component {
                        let id = try #require(
                            world.ids[name]?.uuidString ?? world.names[name],
                            "no first-tenant id for :\(name); add one to makeWorld")
                        path += "/\(id)"
                    } else {
                        path += "/\(component)"
                    }
                }
                let body: [String: Any]? = [.POST, .PATCH, .PUT].contains(route.method) ? ["name": "taken over", "value": 1] : nil
                let response = try await app.send(route.method, path, token: second.token, json: body)
                #expect(response.status == .notFound, "\(route.method) \(path) answered \(response.status.code) to another tenant")
                walked += 1
            }
            #expect(walked >= 105)
            // Nothing of the first tenant changed.
            let stillThere = try await app.send(.GET, "/api/v1/users/\(member.id)", token: first.token)
            #expect(stillThere.status == .ok)
            #expect(try stillThere.json()["role"].stringValue == "technician")
        }
    }

    @Test func everyListAndReadWithoutIdShowsNothingOfAnotherTenant() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant("First")
            let second = try await app.makeTenant("Second")
            _ = try await app.send(.POST, "/api/v1/api-keys", token: first.token, json: ["name": "k", "scopes": ["users:read"]])
            let secrets = [first.organizationID.uuidString, first.ownerID.uuidString, first.ownerEmail]
            for route in app.routes.all where Self.isAPI(route) && Self.parameters(of: route).isEmpty && route.method == .GET {
                let path = "/" + route.path.map(\.description).joined(separator: "/")
                let response = try await app.send(.GET, path, token: second.token)
                #expect(response.status.code < 500, "GET \(path) answered \(response.status.code)")
                for secret in secrets {
                    #expect(
                        !response.body.string.localizedCaseInsensitiveContains(secret), "GET \(path) shows the first tenant's \(secret)")
                }
            }
        }
    }

    static func isAPI(_ route: Route) -> Bool {
        route.path.count >= 2 && route.path[0] == "api" && route.path[1] == "v1"
    }

    static func parameters(of route: Route) -> [String] {
        route.path.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }
}
