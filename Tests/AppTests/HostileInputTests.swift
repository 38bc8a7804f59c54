import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Hostile input")
struct HostileInputTests {
    /// A part header whose name has a non-ASCII byte: multipart-kit 4.7.1 traps on it.
    static let poisoned: ByteBuffer = {
        var buffer = ByteBuffer()
        buffer.writeString("--XB\r\n")
        buffer.writeBytes([0xC3, 0xA9])
        buffer.writeString(": x\r\n\r\nhello\r\n--XB--\r\n")
        return buffer
    }()

    @Test func aNonASCIIPartHeaderNameIsRefusedNotACrash() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant)
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=XB")
            headers.bearerAuthorization = .init(token: tenant.token)
            let upload = try await app.testing().sendRequest(
                .POST, "/api/v1/work-orders/\(order)/attachments", headers: headers, body: Self.poisoned)
            #expect(upload.status == .badRequest)
            headers.remove(name: .authorization)
            let signIn = try await app.testing().sendRequest(.POST, "/sign-in", headers: headers, body: Self.poisoned)
            #expect(signIn.status == .forbidden)
            // Still serving.
            #expect(try await app.send(.GET, "/health").status == .ok)
        }
    }

    @Test func aRejectedRequestIdIsNotEchoedInTheProblem() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: "X-Request-Id", value: "bad id!")
            let response = try await app.send(.GET, "/api/v1/me", headers: headers)
            #expect(response.status == .unauthorized)
            let id = try response.json()["requestId"].string()
            #expect(id != "bad id!")
            #expect(id == response.headers.first(name: "X-Request-Id"))
        }
    }

    @Test func rotatingARefreshTokenDoesNotExtendTheSignIn() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.send(
                .POST, "/api/v1/auth/token", json: ["email": tenant.ownerEmail, "password": tenant.ownerPassword]
            ).json()
            try await Task.sleep(for: .seconds(1.1))
            let second = try await app.send(.POST, "/api/v1/auth/refresh", json: ["refreshToken": try first["refreshToken"].string()])
                .json()
            #expect(try first["refreshTokenExpiresAt"].string() == second["refreshTokenExpiresAt"].string())
        }
    }
}
