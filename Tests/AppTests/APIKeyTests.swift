import Foundation
import Testing
import VaporTesting

@testable import App

@Suite("API keys")
struct APIKeyTests {
    @Test func createdKeyIsShownOnceAndWorksWithinItsScopes() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let created = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "ERP sync", "scopes": ["users:read"]])
            #expect(created.status == .created)
            let key = try created.json()["key"].string()
            #expect(key.hasPrefix("mw_"))
            let keyID = try created.json()["apiKey"]["id"].uuid()

            let users = try await app.send(.GET, "/api/v1/users", token: key)
            #expect(users.status == .ok)
            #expect(try users.json()["items"].array.count == 1)
            let me = try await app.send(.GET, "/api/v1/me", token: key)
            #expect(try me.json()["credential"].stringValue == "apiKey")

            // Outside its scopes: 403.
            let audit = try await app.send(.GET, "/api/v1/audit-events", token: key)
            #expect(audit.status == .forbidden)

            // The key is never shown again, and the store has only its hash.
            let shown = try await app.send(.GET, "/api/v1/api-keys/\(keyID)", token: tenant.token)
            #expect(!shown.body.string.contains(key))
            #expect(try shown.json()["lastUsedAt"].isNull == false)
            let stored = try #require(try await APIKey.find(keyID, on: app.db))
            #expect(stored.keyHash == Secrets.sha256Hex(key))
            #expect(stored.keyHash != key)
        }
    }

    @Test func revokedKeyIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let created = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "CI", "scopes": ["users:read"]])
            let key = try created.json()["key"].string()
            let keyID = try created.json()["apiKey"]["id"].uuid()
            #expect(try await app.send(.DELETE, "/api/v1/api-keys/\(keyID)", token: tenant.token).status == .noContent)
            let after = try await app.send(.GET, "/api/v1/users", token: key)
            #expect(after.status == .unauthorized)
            let listed = try await app.send(.GET, "/api/v1/api-keys?revoked=true", token: tenant.token)
            #expect(try listed.json()["items"].array.map { try $0["id"].uuid() } == [keyID])
        }
    }

    @Test func unknownScopesAndScopesBeyondTheCreatorAre422() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let unknown = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "x", "scopes": ["users:read", "rockets:launch"]])
            #expect(unknown.status == .unprocessableEntity)
            #expect(try unknown.problemFields() == ["scopes"])

            let readOnly = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "reader", "scopes": ["api-keys:create", "users:read"]])
            let readerKey = try readOnly.json()["key"].string()
            let escalate = try await app.send(
                .POST, "/api/v1/api-keys", token: readerKey, json: ["name": "more", "scopes": ["audit:read"]])
            #expect(escalate.status == .unprocessableEntity)
            let bad = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["scopes": "users:read", "expiresAt": "soon"])
            #expect(try bad.problemFields() == ["name", "scopes", "expiresAt"])
            #expect(try await APIKey.query(on: app.db).count() == 1)
        }
    }

    @Test func expiredKeyIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let (apiKey, key) = try await app.write { db in
                try await Accounts.createAPIKey(
                    name: "old", scopes: [.usersRead], expiresAt: Date().addingTimeInterval(3600), createdBy: nil,
                    organizationID: tenant.organizationID, context: .cli("test", app), on: db)
            }
            apiKey.expiresAt = Date().addingTimeInterval(-1)
            try await apiKey.update(on: app.db)
            #expect(try await app.send(.GET, "/api/v1/users", token: key).status == .unauthorized)
        }
    }
}
