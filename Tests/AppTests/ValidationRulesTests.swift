import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// The maintenance rules a two-site review found unguarded: who may be given work, where time and downtime may
/// be recorded, which codes fit, which tags collide, and what completing a work order closes.
@Suite("Maintenance validation rules")
struct ValidationRulesTests {
    @Test func onlyMembersWhoWorkOrdersAndReachTheSiteAreAssignees() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let north = try await app.makeSite(tenant, name: "North")
            let south = try await app.makeSite(tenant, name: "South")
            let requester = try await app.addMember(to: tenant, role: .requester)
            let viewer = try await app.addMember(to: tenant, role: .viewer)
            let southTech = try await app.addMember(to: tenant, role: .technician)
            _ = try await app.send(.PATCH, "/api/v1/users/\(southTech.id)", token: tenant.token, json: ["siteIds": [south.uuidString]])
            let technician = try await app.addMember(to: tenant, role: .technician)
            let refused = try await app.send(
                .POST, "/api/v1/work-orders", token: tenant.token,
                json: [
                    "title": "Fix door", "siteId": north.uuidString,
                    "assigneeIds": [requester.id.uuidString, viewer.id.uuidString, southTech.id.uuidString, technician.id.uuidString],
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields() == ["assigneeIds[0]", "assigneeIds[1]", "assigneeIds[2]"])
            #expect(try await WorkOrder.query(on: app.db).count() == 0)
            let asset = try await app.makeAsset(tenant, site: north)
            let schedule = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token,
                json: [
                    "assetId": asset.uuidString, "title": "Grease", "calendar": ["every": 1, "unit": "month"],
                    "nextDueAt": "2030-01-01T08:00:00Z", "assigneeIds": [requester.id.uuidString],
                ])
            #expect(try schedule.problemFields() == ["assigneeIds[0]"])
            let fine = try await app.send(
                .POST, "/api/v1/work-orders", token: tenant.token,
                json: ["title": "Fix door", "siteId": north.uuidString, "assigneeIds": [technician.id.uuidString]])
            #expect(fine.status == .created)
        }
    }

    @Test func laborAndDowntimeAreRecordedOnlyWhereAndWhenTheyCanHaveHappened() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let north = try await app.makeSite(tenant, name: "North")
            let south = try await app.makeSite(tenant, name: "South")
            let press = try await app.makeAsset(tenant, site: north, tag: "PRS-1")
            let southPump = try await app.makeAsset(tenant, site: south, tag: "PMP-9")
            let order = try await app.makeWorkOrder(tenant, json: ["assetId": press.uuidString])
            let southTech = try await app.addMember(to: tenant, role: .technician)
            _ = try await app.send(.PATCH, "/api/v1/users/\(southTech.id)", token: tenant.token, json: ["siteIds": [south.uuidString]])
            let labor = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/labor", token: tenant.token, json: ["minutes": 30, "userId": southTech.id.uuidString])
            #expect(try labor.problemFields() == ["userId"])
            let future = Date().addingTimeInterval(3 * 86_400).formatted(.iso8601)
            let later = try await app.send(.POST, "/api/v1/work-orders/\(order)/downtime", token: tenant.token, json: ["startedAt": future])
            #expect(try later.problemFields() == ["startedAt"])
            let elsewhere = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/downtime", token: tenant.token, json: ["assetId": southPump.uuidString])
            #expect(try elsewhere.problemFields() == ["assetId"])
            #expect(try await Downtime.query(on: app.db).count() == 0)
            #expect(try await LaborEntry.query(on: app.db).count() == 0)
        }
    }

    @Test func completingAWorkOrderEndsItsOpenDowntimeAndTheAssetIsUpAgain() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let order = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            let span = try await app.send(.POST, "/api/v1/work-orders/\(order)/downtime", token: tenant.token, json: [:])
            #expect(span.status == .created)
            #expect(try await app.send(.GET, "/api/v1/assets/\(asset)", token: tenant.token).json()["status"].stringValue == "down")
            let done = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/complete", token: tenant.token, json: ["resolutionNote": "replaced the belt"])
            #expect(done.status == .ok)
            let spans = try await app.send(.GET, "/api/v1/work-orders/\(order)/downtime", token: tenant.token).json()["items"].array
            #expect(spans.count == 1 && spans[0]["endedAt"].stringValue != nil)
            #expect(try await app.send(.GET, "/api/v1/assets/\(asset)", token: tenant.token).json()["status"].stringValue == "operational")
        }
    }

    @Test func aFailureCodeMustFitTheAssetsKindAndItsProblemsComeWithTheOthers() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, extra: ["kind": "drive"])
            let order = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            func code(_ category: String, kind: String?) async throws -> String {
                var json: [String: Any] = ["category": category, "code": "\(category)-\(kind ?? "any")", "description": "x"]
                if let kind { json["assetKind"] = kind }
                let made = try await app.send(.POST, "/api/v1/failure-codes", token: tenant.token, json: json)
                #expect(made.status == .created, "code: \(made.body.string)")
                return try made.json()["id"].string()
            }
            let printerProblem = try await code("problem", kind: "printer")
            let cause = try await code("cause", kind: nil)
            let driveRemedy = try await code("remedy", kind: "drive")
            let refused = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/complete", token: tenant.token,
                json: ["problemCodeId": printerProblem, "causeCodeId": cause, "remedyCodeId": driveRemedy])
            #expect(refused.status == .unprocessableEntity)
            // The code that does not fit, and the missing note, in one answer.
            #expect(try refused.problemFields() == ["problemCodeId", "resolutionNote"])
            let driveProblem = try await code("problem", kind: "drive")
            let done = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/complete", token: tenant.token,
                json: ["problemCodeId": driveProblem, "causeCodeId": cause, "remedyCodeId": driveRemedy, "resolutionNote": "new seal"])
            #expect(done.status == .ok)
        }
    }

    @Test func assetTagsAreUniqueWhateverTheirCaseAndCustomFieldProblemsComeWithTheOthers() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            _ = try await app.makeAsset(tenant, site: site, tag: "CNV-01")
            let twin = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token, json: ["siteId": site.uuidString, "tag": "cnv-01", "name": "Conveyor"])
            #expect(try twin.problemFields() == ["tag"])
            let own = try await app.makeAsset(tenant, site: site, tag: "pmp-1")
            let version = try await app.send(.GET, "/api/v1/assets/\(own)", token: tenant.token).headers.first(name: .eTag) ?? ""
            let recased = try await app.send(
                .PATCH, "/api/v1/assets/\(own)", token: tenant.token, json: ["tag": "PMP-1"], headers: ["If-Match": version])
            #expect(recased.status == .ok, "\(recased.body.string)")
            _ = try await app.send(
                .POST, "/api/v1/custom-fields", token: tenant.token, json: ["key": "panel", "label": "Panel", "type": "number"])
            let bad = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token,
                json: ["siteId": site.uuidString, "name": "", "tag": "X-1", "customFields": ["panel": "twelve", "colour": "red"]])
            #expect(try bad.problemFields() == ["name", "customFields.panel", "customFields.colour"])
        }
    }

    @Test func aRequestWhoseSiteContradictsItsAssetIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let north = try await app.makeSite(tenant, name: "North")
            let south = try await app.makeSite(tenant, name: "South")
            let asset = try await app.makeAsset(tenant, site: north)
            let refused = try await app.send(
                .POST, "/api/v1/requests", token: tenant.token,
                json: ["title": "Leak", "assetId": asset.uuidString, "siteId": south.uuidString])
            #expect(try refused.problemFields() == ["siteId"])
            let fine = try await app.send(
                .POST, "/api/v1/requests", token: tenant.token,
                json: ["title": "Leak", "assetId": asset.uuidString, "siteId": north.uuidString])
            #expect(fine.status == .created)
        }
    }
}
