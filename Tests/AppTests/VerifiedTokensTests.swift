import Foundation
import JWT
import Testing
import VaporTesting

@testable import App

/// Access tokens are verified once and remembered by their text, never past their expiry.
@Suite("Verified access tokens")
struct VerifiedTokensTests {
    static func payload(expires: Date) -> AccessTokenPayload {
        AccessTokenPayload(
            sub: .init(value: UUID().uuidString), org: UUID().uuidString, exp: .init(value: expires), iat: .init(value: Date()),
            jti: .init(value: UUID().uuidString))
    }

    @Test func aRememberedTokenIsKnownUntilItExpires() {
        let tokens = VerifiedTokens()
        let live = Self.payload(expires: Date().addingTimeInterval(60))
        tokens.remember("live", live)
        #expect(tokens.payload(of: "live")?.jti.value == live.jti.value)
        #expect(tokens.payload(of: "other") == nil)
        tokens.remember("expired", Self.payload(expires: Date().addingTimeInterval(-1)))
        #expect(tokens.payload(of: "expired") == nil)
    }

    @Test func itKeepsAtMostItsCapacity() {
        let tokens = VerifiedTokens()
        for index in 0...VerifiedTokens.capacity { tokens.remember("t\(index)", Self.payload(expires: Date().addingTimeInterval(60))) }
        #expect(tokens.payload(of: "t0") == nil)
        #expect(tokens.payload(of: "t\(VerifiedTokens.capacity)") != nil)
    }

    @Test func aTamperedTokenIsRefusedAfterTheRealOneWasUsed() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            #expect(try await app.send(.GET, "/api/v1/me", token: tenant.token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/me", token: tenant.token).status == .ok)
            // One character of the signature changed: not the text that was verified, so it is checked, and refused.
            var characters = Array(tenant.token)
            let index = (characters.lastIndex(of: ".") ?? 0) + 5
            characters[index] = characters[index] == "A" ? "B" : "A"
            let tampered = String(characters)
            #expect(try await app.send(.GET, "/api/v1/me", token: tampered).status == .unauthorized)
        }
    }
}
