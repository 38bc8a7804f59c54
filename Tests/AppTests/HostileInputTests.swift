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

@Suite("Content types, files and headers")
struct ContentTypeAndFileTests {
    @Test(
        "a JSON body is read only as UTF-8 application/json (or merge-patch)",
        arguments: [
            ("application/json", HTTPStatus.created), ("application/json; charset=UTF-8", .created),
            ("application/merge-patch+json", .created), ("application/json-patch+json", .unsupportedMediaType),
            ("application/json; charset=utf-16", .unsupportedMediaType), ("application/vnd.evil+json", .unsupportedMediaType),
            ("text/plain", .unsupportedMediaType), ("application/x-www-form-urlencoded", .unsupportedMediaType),
        ])
    func jsonContentTypes(type: String, expected: HTTPStatus) async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: type)
            let response = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, headers: headers, body: #"{"name":"Acme"}"#)
            #expect(response.status == expected, "\(type)")
            let stored = try await app.send(.GET, "/api/v1/vendors", token: tenant.token).json()["items"].array.count
            #expect(stored == (expected == .created ? 1 : 0))
        }
    }

    @Test func theLabelSheetCarriesThePagesSecurityHeaders() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.makeAsset(tenant, tag: "CNV-01")
            var browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let sheet = try await browser.get("/assets/labels")
            #expect(sheet.status == .ok)
            #expect(sheet.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(sheet.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(sheet.headers.first(name: "X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func theDataDirectoryTheDatabaseAndAttachmentsAreTheServersAlone() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant)
            let uploaded = try await app.upload("/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: jpegBytes)
            #expect(uploaded.status == .created)
            let data = app.config.dataDirectory
            func mode(_ path: String) throws -> Int {
                try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
            }
            #expect(try mode(data) == 0o700)
            if let sqlite = app.config.sqliteFilePath { #expect(try mode(sqlite) == 0o600) }
            let folder = data + "/attachments/" + tenant.organizationID.uuidString.lowercased()
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(files.count == 1)
            for file in files { #expect(try mode(folder + "/" + file) == 0o600) }
        }
    }

    @Test func anUploadedNameSaysWhatTheFileIs() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant)
            let pdf = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 32)
            let uploaded = try await app.upload(
                "/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: pdf, filename: "virus.exe",
                contentType: "application/x-msdownload")
            #expect(uploaded.status == .created)
            let body = try uploaded.json()
            #expect(body["filename"].stringValue == "virus.exe.pdf")
            #expect(body["contentType"].stringValue == "application/pdf")
            let content = try await app.send(.GET, "/api/v1/attachments/\(try body["id"].string())/content", token: tenant.token)
            #expect(content.headers.first(name: .contentType) == "application/pdf")
            #expect(content.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(content.headers.first(name: .contentDisposition)?.contains("filename=\"virus.exe.pdf\"") == true)
            // A name that already says it keeps it.
            let photo = try await app.upload(
                "/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: jpegBytes, filename: "pump.JPG")
            #expect(try photo.json()["filename"].stringValue == "pump.JPG")
        }
    }
}
