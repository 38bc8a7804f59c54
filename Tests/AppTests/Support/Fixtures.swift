import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// CMMS fixtures made through the API as the tenant's owner, so they pass the same validation as real data.
extension Application {
    func makeSite(_ tenant: Tenant, name: String = "Plant", timeZone: String = "Europe/Berlin") async throws -> UUID {
        let response = try await send(.POST, "/api/v1/sites", token: tenant.token, json: ["name": name, "timeZone": timeZone])
        #expect(response.status == .created, "site: \(response.body.string)")
        return try response.json()["id"].uuid()
    }

    func makeAsset(_ tenant: Tenant, site: UUID? = nil, tag: String? = nil, name: String = "Pump", extra: [String: Any] = [:])
        async throws -> UUID
    {
        let siteID: UUID
        if let site { siteID = site } else { siteID = try await makeSite(tenant) }
        var json: [String: Any] = ["siteId": siteID.uuidString, "tag": tag ?? "A-\(UUID().uuidString.prefix(8))", "name": name]
        json.merge(extra) { $1 }
        let response = try await send(.POST, "/api/v1/assets", token: tenant.token, json: json)
        #expect(response.status == .created, "asset: \(response.body.string)")
        return try response.json()["id"].uuid()
    }

    func makeMeter(_ tenant: Tenant, asset: UUID? = nil, monotonic: Bool = true) async throws -> UUID {
        let assetID: UUID
        if let asset { assetID = asset } else { assetID = try await makeAsset(tenant) }
        let response = try await send(
            .POST, "/api/v1/meters", token: tenant.token,
            json: ["assetId": assetID.uuidString, "name": "Run hours", "unit": "h", "monotonic": monotonic])
        #expect(response.status == .created, "meter: \(response.body.string)")
        return try response.json()["id"].uuid()
    }

    func makeWorkOrder(_ tenant: Tenant, json extra: [String: Any] = [:]) async throws -> UUID {
        var json: [String: Any] = ["title": "Replace belt"]
        if extra["assetId"] == nil && extra["siteId"] == nil { json["siteId"] = try await makeSite(tenant).uuidString }
        json.merge(extra) { $1 }
        let response = try await send(.POST, "/api/v1/work-orders", token: tenant.token, json: json)
        #expect(response.status == .created, "work order: \(response.body.string)")
        return try response.json()["id"].uuid()
    }

    /// A part with a stock level (a location at a new site) holding `quantity`.
    func makeStock(_ tenant: Tenant, quantity: Double, minimum: Double = 0, partJSON: [String: Any] = [:]) async throws
        -> (part: UUID, level: UUID, location: UUID, site: UUID)
    {
        let site = try await makeSite(tenant)
        let location = try await send(.POST, "/api/v1/locations", token: tenant.token, json: ["siteId": site.uuidString, "name": "Stores"])
            .json()["id"].uuid()
        var json: [String: Any] = ["number": "P-\(UUID().uuidString.prefix(6))", "name": "V-belt", "unitCost": 12.5]
        json.merge(partJSON) { $1 }
        let part = try await send(.POST, "/api/v1/parts", token: tenant.token, json: json).json()["id"].uuid()
        let level = try await send(
            .POST, "/api/v1/stock-levels", token: tenant.token,
            json: ["partId": part.uuidString, "locationId": location.uuidString, "minimum": minimum]
        ).json()["id"].uuid()
        if quantity > 0 {
            let received = try await send(
                .POST, "/api/v1/stock-levels/\(level)/movements", token: tenant.token,
                json: ["kind": "receive", "quantity": quantity, "reason": "opening stock"])
            #expect(received.status == .created, "receive: \(received.body.string)")
        }
        return (part, level, location, site)
    }

    func makeSubmittedPurchaseOrder(_ tenant: Tenant) async throws -> (order: UUID, line: UUID, level: UUID) {
        let stock = try await makeStock(tenant, quantity: 0)
        let vendor = try await send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "Acme Supply"]).json()["id"].string()
        let created = try await send(
            .POST, "/api/v1/purchase-orders", token: tenant.token,
            json: [
                "vendorId": vendor, "siteId": stock.site.uuidString,
                "lines": [["partId": stock.part.uuidString, "locationId": stock.location.uuidString, "quantity": 10]],
            ])
        #expect(created.status == .created, "purchase order: \(created.body.string)")
        let order = try created.json()["id"].uuid()
        let line = try created.json()["lines"][0]["id"].uuid()
        #expect(try await send(.POST, "/api/v1/purchase-orders/\(order)/submit", token: tenant.token).status == .ok)
        return (order, line, stock.level)
    }

    /// Posts `bytes` as the `file` part of a multipart/form-data body.
    func upload(_ path: String, token: String?, bytes: [UInt8], filename: String = "photo.jpg", contentType: String = "image/jpeg")
        async throws -> TestingHTTPResponse
    {
        let boundary = "millwright-test-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: \(contentType)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        if let token { headers.bearerAuthorization = .init(token: token) }
        return try await testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}

/// The first bytes of a JPEG, enough for the type check.
let jpegBytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [UInt8](repeating: 0x42, count: 64)

extension Application {
    /// Posts a multipart/form-data body: text `fields` and, when given, one file part.
    func sendForm(
        _ path: String, token: String?, fields: [String: String],
        file: (name: String, bytes: [UInt8], filename: String, contentType: String)?
    ) async throws -> TestingHTTPResponse {
        let boundary = "millwright-test-boundary"
        var body = ByteBuffer()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n")
            body.writeString("Content-Type: \(file.contentType)\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        if let token { headers.bearerAuthorization = .init(token: token) }
        return try await testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}

extension Application {
    /// Accepts an invitation link (`…/invitations/<token>`) through the API.
    func accept(_ link: String, password: String, name: String? = nil) async throws -> TestingHTTPResponse {
        let token = String(link.split(separator: "/").last ?? "")
        var json: [String: Any] = ["token": token, "password": password]
        if let name { json["name"] = name }
        return try await send(.POST, "/api/v1/invitations/accept", json: json)
    }

    /// Invites `email` through the API and accepts at once with `password`; the new member's id.
    func inviteAndAccept(_ tenant: Tenant, email: String, role: Role, password: String = "their own password") async throws -> UUID {
        let invited = try await send(.POST, "/api/v1/users", token: tenant.token, json: ["email": email, "role": role.rawValue])
        #expect(invited.status == .created, "invite: \(invited.body.string)")
        let accepted = try await accept(try invited.json()["link"].string(), password: password)
        #expect(accepted.status == .created, "accept: \(accepted.body.string)")
        return try accepted.json()["userId"].uuid()
    }
}
