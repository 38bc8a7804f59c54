import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Labor, costs, comments and downtime")
struct WorkOrderEntryTests {
    @Test func laborIsCostedWhenLoggedAndOnlyByThoseAssigned() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let alice = try await app.addMember(to: tenant, role: .technician)
            let bob = try await app.addMember(to: tenant, role: .technician)
            let id = try await app.makeWorkOrder(tenant, json: ["assigneeIds": [alice.id.uuidString]])
            let logged = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/labor", token: alice.token, json: ["minutes": 90, "hourlyRate": 48.5, "note": "belt"])
            #expect(logged.status == .created)
            #expect(try logged.json()["cost"].value as? Double == 72.75)
            #expect(try logged.json()["userId"].uuid() == alice.id)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(id)/labor", token: bob.token, json: ["minutes": 10]).status == .forbidden)
            let forOther = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/labor", token: alice.token, json: ["minutes": 10, "userId": bob.id.uuidString])
            #expect(try forOther.problemFields() == ["userId"])
            let bad = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/labor", token: alice.token, json: ["minutes": 0, "hourlyRate": -1])
            #expect(try bad.problemFields() == ["minutes", "hourlyRate"])
            let list = try await app.send(.GET, "/api/v1/work-orders/\(id)/labor", token: tenant.token)
            #expect(try list.json()["items"].array.count == 1)
            let entry = try logged.json()["id"].uuid()
            #expect(try await app.send(.DELETE, "/api/v1/work-orders/\(id)/labor/\(entry)", token: tenant.token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/work-orders/\(id)/labor", token: tenant.token).json()["items"].array.isEmpty)
        }
    }

    @Test func anEntryOfAnotherWorkOrderIsNotFoundUnderThisOne() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let first = try await app.makeWorkOrder(tenant)
            let second = try await app.makeWorkOrder(tenant)
            let cost = try await app.send(
                .POST, "/api/v1/work-orders/\(first)/costs", token: tenant.token, json: ["description": "x", "amount": 5])
            let costID = try cost.json()["id"].uuid()
            #expect(try await app.send(.DELETE, "/api/v1/work-orders/\(second)/costs/\(costID)", token: tenant.token).status == .notFound)
        }
    }

    @Test func anyTechnicianCommentsAndViewersOnlyRead() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let technician = try await app.addMember(to: tenant, role: .technician)
            let viewer = try await app.addMember(to: tenant, role: .viewer)
            let id = try await app.makeWorkOrder(tenant)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(id)/comments", token: technician.token, json: ["body": "On it"]).status
                    == .created)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(id)/comments", token: viewer.token, json: ["body": "hi"]).status
                    == .forbidden)
            let comments = try await app.send(.GET, "/api/v1/work-orders/\(id)/comments", token: viewer.token)
            #expect(try comments.json()["items"].array.compactMap(\.["body"].stringValue) == ["On it"])
        }
    }

    @Test func openDowntimeTakesTheAssetDownAndEndingItBringsItBack() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let id = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
            let started = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/downtime", token: tenant.token,
                json: ["startedAt": "2026-11-01T08:00:00Z", "reason": "belt"])
            #expect(started.status == .created)
            #expect(try await app.send(.GET, "/api/v1/assets/\(asset)", token: tenant.token).json()["status"].stringValue == "down")
            let downtime = try started.json()["id"].uuid()
            let early = try await app.send(
                .PATCH, "/api/v1/work-orders/\(id)/downtime/\(downtime)", token: tenant.token, json: ["endedAt": "2026-10-01T08:00:00Z"])
            #expect(try early.problemFields() == ["endedAt"])
            let ended = try await app.send(
                .PATCH, "/api/v1/work-orders/\(id)/downtime/\(downtime)", token: tenant.token, json: ["endedAt": "2026-11-01T10:30:00Z"])
            #expect(try ended.json()["minutes"].intValue == 150)
            let after = try await app.send(.GET, "/api/v1/assets/\(asset)", token: tenant.token).json()
            #expect(after["status"].stringValue == "operational")
            #expect(after["isUp"].boolValue == true)
            let noAsset = try await app.makeWorkOrder(tenant)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(noAsset)/downtime", token: tenant.token, json: [:]).problemFields() == [
                    "assetId"
                ])
        }
    }

    @Test func aCancelledOrderTakesNoMoreEntries() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let id = try await app.makeWorkOrder(tenant)
            _ = try await app.send(.POST, "/api/v1/work-orders/\(id)/cancel", token: tenant.token, json: ["reason": "dup"])
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(id)/labor", token: tenant.token, json: ["minutes": 5]).status == .conflict)
        }
    }
}
