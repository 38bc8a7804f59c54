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
}
