import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Work orders from text")
struct WorkOrderFromTextTests {
    @Test func aTypedSentenceBecomesADraftThatIsSavedOnlyWhenConfirmed() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let conveyor = try await app.makeAsset(tenant, site: site, tag: "CNV-03", name: "Conveyor 3", extra: ["kind": "machine"])
            _ = try await app.makeAsset(tenant, site: site, tag: "CNV-04", name: "Conveyor 4", extra: ["kind": "machine"])
            let response = try await app.send(
                .POST, "/api/v1/work-orders/from-text", token: tenant.token, json: ["text": "Conveyor 3 drive tripped F004 again, urgent"])
            #expect(response.status == .ok)
            let draft = try response.json()
            #expect(try draft["asset"]["id"].uuid() == conveyor)
            #expect(draft["asset"]["tag"].stringValue == "CNV-03")
            #expect((draft["asset"]["score"].value as? Double ?? 0) >= 0.5)
            #expect(draft["priority"].stringValue == "high")
            #expect(draft["type"].stringValue == "corrective")
            #expect(draft["faultCodes"].array.compactMap(\.stringValue) == ["F004"])
            #expect(try draft["siteId"].uuid() == site)
            #expect(!draft["signals"].array.isEmpty)
            #expect(try await app.send(.GET, "/api/v1/work-orders", token: tenant.token).json()["items"].array.isEmpty)

            let confirmed = try await app.send(
                .POST, "/api/v1/work-orders", token: tenant.token,
                json: [
                    "title": try draft["title"].string(), "description": try draft["description"].string(), "assetId": conveyor.uuidString,
                    "priority": "high", "type": "corrective", "faultCodes": ["F004"], "source": "text",
                ])
            #expect(confirmed.status == .created)
            #expect(try confirmed.json()["source"].stringValue == "text")
            #expect(try confirmed.json()["faultCodes"].array.compactMap(\.stringValue) == ["F004"])
        }
    }

    @Test func theTagMatchesExactlyAndNothingConvincingMeansNoAsset() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let compressor = try await app.makeAsset(tenant, tag: "AC-01", name: "Air Compressor 1")
            let byTag = try await app.send(
                .POST, "/api/v1/work-orders/from-text", token: tenant.token, json: ["text": "ac-01 leaking oil, no rush"])
            #expect(try byTag.json()["asset"]["id"].uuid() == compressor)
            #expect(try byTag.json()["asset"]["score"].value as? Double == 1)
            #expect(try byTag.json()["priority"].stringValue == "low")
            let vague = try await app.send(
                .POST, "/api/v1/work-orders/from-text", token: tenant.token, json: ["text": "please fix the coffee machine"])
            #expect(try vague.json()["asset"].isNull)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/from-text", token: tenant.token, json: ["text": ""]).problemFields() == [
                    "text"
                ])
        }
    }

    @Test func onlyAssetsTheMemberCanReachAreCandidates() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let siteA = try await app.makeSite(tenant, name: "A")
            let siteB = try await app.makeSite(tenant, name: "B")
            _ = try await app.makeAsset(tenant, site: siteB, tag: "BLR-9", name: "Boiler 9")
            let technician = try await app.addMember(to: tenant, role: .technician)
            _ = try await app.send(.PATCH, "/api/v1/users/\(technician.id)", token: tenant.token, json: ["siteIds": [siteA.uuidString]])
            let draft = try await app.send(
                .POST, "/api/v1/work-orders/from-text", token: technician.token, json: ["text": "BLR-9 no pressure"])
            #expect(try draft.json()["asset"].isNull)
            #expect(try draft.json()["alternatives"].array.isEmpty)
        }
    }
}
