import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("API conventions")
struct ConventionsTests {
    @Test func readsCarryAnETagAndAStaleIfMatchIs412() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let read = try await app.send(.GET, "/api/v1/organization", token: tenant.token)
            let etag = try #require(read.headers.first(name: .eTag))
            var matching = HTTPHeaders()
            matching.replaceOrAdd(name: .ifMatch, value: etag)
            let first = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["name": "One"], headers: matching)
            #expect(first.status == .ok)
            #expect(first.headers.first(name: .eTag) != etag)
            let stale = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["name": "Two"], headers: matching)
            #expect(stale.status == .preconditionFailed)
            #expect(stale.isProblem)
            let now = try await app.send(.GET, "/api/v1/organization", token: tenant.token)
            #expect(try now.json()["name"].stringValue == "One")
        }
    }

    @Test func listsPageWithACursorUntilTheEnd() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for index in 0..<6 { _ = try await app.addMember(to: tenant, role: .viewer, email: "member\(index)@example.com") }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await app.send(.GET, "/api/v1/users?limit=3&sort=-email\(query)", token: tenant.token)
                #expect(page.status == .ok)
                seen += try page.json()["items"].array.map { try $0["email"].string() }
                cursor = try page.json()["nextCursor"].stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 7)
            #expect(seen == seen.sorted(by: >))
        }
    }

    @Test func badListParametersAreOne400NamingEachOne() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(.GET, "/api/v1/users?limit=0&sort=password&cursor=nonsense", token: tenant.token)
            #expect(response.status == .badRequest)
            #expect(try response.problemFields() == ["limit", "sort", "cursor"])
            let tooMany = try await app.send(.GET, "/api/v1/users?limit=501", token: tenant.token)
            #expect(try tooMany.problemFields() == ["limit"])
        }
    }

    @Test func malformedBodiesAreClear4xxNever500() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var json = HTTPHeaders()
            json.contentType = .json
            let cases: [(String, HTTPHeaders, HTTPStatus)] = [
                ("{not json", json, .badRequest),
                ("[1,2]", json, .badRequest),
                ("", json, .badRequest),
                ("name=x", [:], .unsupportedMediaType),
            ]
            for (body, headers, expected) in cases {
                let response = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, headers: headers, body: body)
                #expect(response.status == expected, "body \(body) answered \(response.status.code)")
                #expect(response.isProblem)
            }
            let wrongTypes = try await app.send(
                .POST, "/api/v1/users", token: tenant.token,
                json: ["email": "not-an-email", "role": "emperor", "siteIds": ["x"], "extra": 1])
            #expect(wrongTypes.status == .unprocessableEntity)
            #expect(try wrongTypes.problemFields() == ["email", "role", "siteIds[0]", "extra"])
        }
    }

    @Test func aTooLargeBodyIs413() async throws {
        try await withTestApp(configure: { $0.maxBodySize = 1024 }) { app in
            let tenant = try await app.makeTenant()
            let big = try await app.send(
                .PATCH, "/api/v1/organization", token: tenant.token, json: ["name": String(repeating: "x", count: 4096)])
            #expect(big.status == .payloadTooLarge)
            #expect(big.isProblem)
        }
    }

    @Test func unknownRoutesAndIdsAre404Problems() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let route = try await app.send(.GET, "/api/v1/nothing-here", token: tenant.token)
            #expect(route.status == .notFound)
            #expect(route.isProblem)
            let malformed = try await app.send(.GET, "/api/v1/users/not-a-uuid", token: tenant.token)
            #expect(malformed.status == .notFound)
            let unknown = try await app.send(.GET, "/api/v1/users/\(UUID())", token: tenant.token)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func everyResponseHasARequestId() async throws {
        try await withTestApp { app in
            let response = try await app.send(.GET, "/health")
            let id = try #require(response.headers.first(name: "X-Request-Id"))
            #expect(!id.isEmpty)
            var forged = HTTPHeaders()
            forged.replaceOrAdd(name: "X-Request-Id", value: "bad id\nwith newline")
            let replaced = try await app.send(.GET, "/health", headers: forged)
            #expect(replaced.headers.first(name: "X-Request-Id") != "bad id\nwith newline")
        }
    }

    @Test func healthReadyAndMetricsAnswer() async throws {
        try await withTestApp { app in
            #expect(try await app.send(.GET, "/health").json()["status"].stringValue == "ok")
            let ready = try await app.send(.GET, "/ready")
            #expect(ready.status == .ok)
            #expect(try ready.json()["database"].stringValue == "ok")
            _ = try await app.send(.GET, "/api/v1/me")
            let metrics = try await app.send(.GET, "/metrics")
            #expect(metrics.status == .ok)
            let text = metrics.body.string
            #expect(text.contains("millwright_build_info{"))
            #expect(text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"} 1"))
            #expect(text.contains("http_request_duration_seconds_bucket{"))
            #expect(text.contains("millwright_database_up{"))
        }
    }

    @Test func readyIs503WhenMigrationsArePending() async throws {
        try await withTestApp { app in
            try await app.autoRevert()
            let ready = try await app.send(.GET, "/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(try ready.json()["pendingMigrations"].array.count > 0)
            try await app.autoMigrate()
        }
    }
}
