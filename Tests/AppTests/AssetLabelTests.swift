import Foundation
import QRCode
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("QR labels")
struct AssetLabelTests {
    /// The label must encode exactly this link; that a QR code decodes to what it encodes is proven against a
    /// real decoder in QRCodeTests.
    @Test func theQRCodeOpensTheAssetPageOrTheRequestFormWhenPublicRequestsAreOn() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://mw.example.com" }) { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, tag: "CNV-03", name: "Conveyor 3")
            let id = asset.uuidString.lowercased()
            let page = try await app.send(.GET, "/api/v1/assets/\(asset)/qr.svg?size=4", token: tenant.token)
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.description == "image/svg+xml")
            #expect(page.body.string == (try QRCode(encoding: "https://mw.example.com/assets/\(id)").svg(moduleSize: 4)))
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["publicRequests": true]])
            let form = try await app.send(.GET, "/api/v1/assets/\(asset)/qr.svg?size=4", token: tenant.token)
            #expect(form.body.string == (try QRCode(encoding: "https://mw.example.com/assets/\(id)/request").svg(moduleSize: 4)))
        }
    }

    @Test func theLabelSheetHasOneLabelPerAssetWithTagAndName() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let first = try await app.makeAsset(tenant, site: site, tag: "P-1", name: "Pump <north>")
            _ = try await app.makeAsset(tenant, site: site, tag: "P-2", name: "Pump south")
            let other = try await app.makeAsset(tenant, tag: "X-9", name: "Elsewhere")
            let sheet = try await app.send(.GET, "/api/v1/assets/labels?siteId=\(site)", token: tenant.token)
            #expect(sheet.status == .ok)
            let html = sheet.body.string
            #expect(html.components(separatedBy: "<figure class=\"label\">").count - 1 == 2)
            #expect(html.contains("Pump &lt;north&gt;"))
            #expect(!html.contains("X-9"))
            let chosen = try await app.send(.GET, "/api/v1/assets/labels?assetIds=\(first),\(other)", token: tenant.token).body.string
            #expect(chosen.contains("P-1") && chosen.contains("X-9") && !chosen.contains("P-2"))
            #expect(try await app.send(.GET, "/api/v1/assets/labels?assetIds=nope", token: tenant.token).problemFields() == ["assetIds[0]"])
        }
    }
}
