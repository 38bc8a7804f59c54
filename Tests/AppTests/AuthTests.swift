import Fluent
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

    @Test func aKnownAndAnUnknownEmailAreAnsweredAlikeInStatusTextAndTime() async throws {
        // A real work factor, so that the password check weighs what it weighs in production.
        try await withTestApp(configure: { $0.bcryptCost = 10 }) { app in
            let tenant = try await app.makeTenant()
            let stranger = "nobody-\(UUID().uuidString.prefix(6))@example.com"
            var answers: [String: [String]] = [:]
            var seconds: [String: [Double]] = [:]
            // Interleaved, so that warming up favours neither.
            for _ in 0...app.config.lockoutThreshold {
                for email in [tenant.ownerEmail, stranger] {
                    let started = ContinuousClock.now
                    let response = try await app.send(.POST, "/api/v1/auth/token", json: ["email": email, "password": "wrong guess!"])
                    let elapsed = ContinuousClock.now - started
                    seconds[email, default: []].append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                    let detail = try response.json()["detail"].stringValue ?? ""
                    answers[email, default: []].append("\(response.status.code) \(detail.filter { !$0.isNumber })")
                }
            }
            #expect(answers[tenant.ownerEmail] == answers[stranger])
            #expect(answers[stranger]?.last?.hasPrefix("429") == true)
            // The same work behind both: a password check and a recorded failure. The fastest of the refused
            // passwords (noise only ever adds time), within a factor of two.
            func fastest(_ values: [Double]) -> Double { values.prefix(app.config.lockoutThreshold).min() ?? 0 }
            let ratio = fastest(seconds[tenant.ownerEmail] ?? []) / fastest(seconds[stranger] ?? [])
            #expect(ratio > 0.5 && ratio < 2, "known/unknown time \(ratio)")
        }
    }

    @Test func aLockOutHoldsOnlyTheFailingClientAndBacksOff() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let request = Request(application: app, on: app.eventLoopGroup.next())
            func signIn(_ password: String, from address: String) async -> Int {
                do {
                    _ = try await SignIn.authenticate(
                        email: tenant.ownerEmail, password: password, organizationID: nil, request: request, address: address)
                    return 200
                } catch let error as AppError {
                    return Int(error.problem(requestId: nil).0.status)
                } catch {
                    return 500
                }
            }
            let attacker = "203.0.113.7"
            for _ in 0..<app.config.lockoutThreshold { #expect(await signIn("wrong guess!", from: attacker) == 401) }
            #expect(await signIn(tenant.ownerPassword, from: attacker) == 429)
            // The owner, on their own device, is not held back.
            #expect(await signIn(tenant.ownerPassword, from: "198.51.100.2") == 200)

            // Once the lock-out ends, five more failures lock the attacker's client out twice as long.
            let key = SignInThrottle.key(email: tenant.ownerEmail, address: attacker)
            let first = try #require(try await SignInThrottle.query(on: app.db).filter(\.$key == key).first())
            #expect(abs(first.lockedUntil!.timeIntervalSinceNow - app.config.lockoutDuration) < 60)
            first.lockedUntil = Date().addingTimeInterval(-1)
            try await first.update(on: app.db)
            for _ in 0..<app.config.lockoutThreshold { #expect(await signIn("wrong guess!", from: attacker) == 401) }
            let second = try #require(try await SignInThrottle.query(on: app.db).filter(\.$key == key).first())
            #expect(abs(second.lockedUntil!.timeIntervalSinceNow - 2 * app.config.lockoutDuration) < 60)
            #expect(second.lockouts == 2)
            // A success from a client forgets that client's failures.
            _ = await signIn("wrong guess!", from: "198.51.100.2")
            #expect(await signIn(tenant.ownerPassword, from: "198.51.100.2") == 200)
            let mine = SignInThrottle.key(email: tenant.ownerEmail, address: "198.51.100.2")
            #expect(try await SignInThrottle.query(on: app.db).filter(\.$key == mine).count() == 0)
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
