import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Clients and vendors")
struct ContactTests {
    @Test func clientsAndVendorsReadTheirContactFieldsByOneSetOfRules() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var answers: [String: [String]] = [:]
            for path in ["/api/v1/clients", "/api/v1/vendors"] {
                func problems(_ response: TestingHTTPResponse) throws -> [String] {
                    try response.json()["errors"].array.map { "\($0["field"].stringValue ?? "") \($0["message"].stringValue ?? "")" }
                        .sorted()
                }
                var seen: [String] = []
                seen += try problems(await app.send(.POST, path, token: tenant.token, json: ["email": "not an address"]))
                seen += try problems(await app.send(.POST, path, token: tenant.token, json: ["name": "", "phone": 5]))
                let made = try await app.send(.POST, path, token: tenant.token, json: ["name": "Acme", "email": "ops@acme.test"])
                #expect(made.status == .created)
                let id = try made.json()["id"].string()
                let version = made.headers.first(name: .eTag) ?? ""
                let cleared = try await app.send(
                    .PATCH, "\(path)/\(id)", token: tenant.token, json: ["name": NSNull(), "email": NSNull()],
                    headers: ["If-Match": version])
                seen += try problems(cleared)
                let emailCleared = try await app.send(
                    .PATCH, "\(path)/\(id)", token: tenant.token, json: ["email": NSNull()], headers: ["If-Match": version])
                #expect(emailCleared.status == .ok)
                #expect(try emailCleared.json()["email"].value is NSNull || emailCleared.json()["email"].value == nil)
                answers[path] = seen
            }
            #expect(answers["/api/v1/clients"] == answers["/api/v1/vendors"])
            #expect(answers["/api/v1/clients"]?.contains("name is required") == true)
        }
    }
}
