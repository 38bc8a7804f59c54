import Foundation
import Testing
import VaporTesting

@testable import App

@Suite("Sign-in, access tokens and refresh tokens")
struct AuthTests {
    @Test func tokenWithRightPasswordGivesAccessAndRefreshTokens() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(try body["refreshToken"].string().hasPrefix("rt_"))
            #expect(body["expiresIn"].intValue == 900)
            #expect(try body["organizationId"].uuid() == tenant.organizationID)
            #expect(body["role"].stringValue == "owner")

            let me = try await app.send(.GET, "/api/v1/me", token: try body["accessToken"].string())
            #expect(me.status == .ok)
            #expect(try me.json()["user"]["email"].string() == tenant.ownerEmail)
            #expect(try me.json()["credential"].stringValue == "accessToken")
        }
    }

    @Test func emailIsMatchedWithoutRegardToCase() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail.uppercased(), "password": tenant.ownerPassword])
            #expect(response.status == .ok)
        }
    }

    @Test func wrongPasswordIs401ProblemWithoutSayingWhichPartWasWrong() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let wrong = try await app.send(.POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": "not it at all"])
            let unknown = try await app.send(.POST, "/api/v1/auth/token", json: ["email": "nobody@example.com", "password": "whatever"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.isProblem)
            #expect(unknown.status == .unauthorized)
            #expect(try wrong.json()["detail"].string() == unknown.json()["detail"].string())
        }
    }

    @Test func missingFieldsAreAllListedIn422() async throws {
        try await withTestApp { app in
            let response = try await app.send(.POST, "/api/v1/auth/token", json: ["email": 42])
            #expect(response.status == .unprocessableEntity)
            #expect(try response.problemFields() == ["email", "password"])
            let empty = try await app.send(.POST, "/api/v1/auth/token", json: [:])
            #expect(try empty.problemFields() == ["email", "password"])
        }
    }

    @Test func noCredentialIs401AndAGarbageTokenIs401() async throws {
        try await withTestApp { app in
            #expect(try await app.send(.GET, "/api/v1/me").status == .unauthorized)
            let garbage = try await app.send(.GET, "/api/v1/me", token: "eyJhbGciOiJIUzI1NiJ9.e30.bad")
            #expect(garbage.status == .unauthorized)
            #expect(garbage.isProblem)
        }
    }

    @Test func expiredAccessTokenIsRefused() async throws {
        try await withTestApp(configure: { $0.accessTokenLifetime = -5 }) { app in
            let tenant = try await app.makeTenant()
            #expect(try await app.send(.GET, "/api/v1/me", token: tenant.token).status == .unauthorized)
        }
    }

    @Test func refreshRotatesAndTheNewRefreshTokenWorks() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            let refresh1 = try first.json()["refreshToken"].string()
            let second = try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": refresh1])
            #expect(second.status == .ok)
            let refresh2 = try second.json()["refreshToken"].string()
            #expect(refresh2 != refresh1)
            #expect(try await app.send(.GET, "/api/v1/me", token: try second.json()["accessToken"].string()).status == .ok)
            let third = try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": refresh2])
            #expect(third.status == .ok)
        }
    }

    @Test func reusingASpentRefreshTokenRevokesTheWholeFamily() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            let stolen = try first.json()["refreshToken"].string()
            let rotated = try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": stolen])
            let current = try rotated.json()["refreshToken"].string()

            let replay = try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": stolen])
            #expect(replay.status == .unauthorized)
            // The legitimate holder's newer token died with the family.
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": current]).status == .unauthorized)
            // Another sign-in (another family) is untouched.
            let other = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            let otherRefresh = try other.json()["refreshToken"].string()
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": otherRefresh]).status == .ok)
            // And the reuse is in the audit trail.
            let events = try await app.send(.GET, "/api/v1/audit-events?action=auth.refresh_token_reused", token: tenant.token)
            #expect(try events.json()["items"].array.count == 1)
        }
    }

    @Test func logoutRevokesTheRefreshToken() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            let refresh = try first.json()["refreshToken"].string()
            #expect(try await app.send(.POST, "/api/v1/auth/logout", json: ["refreshToken": refresh]).status == .noContent)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": refresh]).status == .unauthorized)
        }
    }

    @Test func repeatedFailuresLockTheAccountWith429AndRetryAfter() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for _ in 0..<app.config.lockoutThreshold {
                let response = try await app.send(
                    .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": "wrong guess!"])
                #expect(response.status == .unauthorized)
            }
            // Even the right password is refused while locked.
            let locked = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.isProblem)
            let retryAfter = try #require(locked.headers.first(name: .retryAfter).flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= Int(app.config.lockoutDuration))
        }
    }

    @Test func manyAttemptsFromOneAddressAreLimited() async throws {
        try await withTestApp(configure: { $0.addressAttemptLimit = 4 }) { app in
            for index in 0..<4 {
                let response = try await app.send(
                    .POST, "/api/v1/auth/token", json: ["email": "u\(index)@example.com", "password": "guess guess"])
                #expect(response.status == .unauthorized)
            }
            let limited = try await app.send(.POST, "/api/v1/auth/token", json: ["email": "u9@example.com", "password": "guess guess"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: .retryAfter) != nil)
        }
    }

    @Test func changingThePasswordEndsOtherSignInsAndTheNewOneWorks() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            let refresh = try first.json()["refreshToken"].string()
            let weak = try await app.send(
                .POST, "/api/v1/me/password", token: tenant.token, json: ["currentPassword": tenant.ownerPassword, "newPassword": "short"])
            #expect(weak.status == .unprocessableEntity)
            #expect(try weak.problemFields() == ["newPassword"])
            let changed = try await app.send(
                .POST, "/api/v1/me/password", token: tenant.token,
                json: ["currentPassword": tenant.ownerPassword, "newPassword": "a much better passphrase"])
            #expect(changed.status == .noContent)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": refresh]).status == .unauthorized)
            _ = try await app.signIn(email: tenant.ownerEmail, password: "a much better passphrase")
        }
    }
}
