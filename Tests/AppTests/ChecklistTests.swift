import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Checklists")
struct ChecklistTests {
    @Test func everyTaskKindRecordsItsResultAndRequiredOnesGateCompletion() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            let template = try await app.send(
                .POST, "/api/v1/checklist-templates", token: tenant.token,
                json: [
                    "name": "Monthly compressor round",
                    "items": [
                        ["kind": "subtask", "label": "Drain condensate", "required": true],
                        ["kind": "number", "label": "Outlet pressure", "unit": "bar", "minimum": 6, "maximum": 8],
                        ["kind": "text", "label": "Notes"],
                        ["kind": "pass_flag_fail", "label": "Belt condition", "required": true],
                        ["kind": "multiple_choice", "label": "Oil level", "choices": ["low", "ok", "high"]],
                        ["kind": "meter_reading", "label": "Run hours", "meterId": meter.uuidString],
                    ],
                ])
            #expect(template.status == .created)
            let order = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString, "type": "inspection"])
            let tasks = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/tasks", token: tenant.token, json: ["templateId": try template.json()["id"].string()]
            ).json().array
            #expect(tasks.count == 6)
            func record(_ index: Int, _ json: [String: Any]) async throws -> TestingHTTPResponse {
                try await app.send(
                    .PATCH, "/api/v1/work-orders/\(order)/tasks/\(try tasks[index]["id"].string())", token: tenant.token, json: json)
            }
            let blocked = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/complete", token: tenant.token, json: ["resolutionNote": "ok"])
            #expect(try blocked.problemFields() == ["tasks"])
            #expect(try await record(0, ["done": true]).json()["result"].stringValue == "done")
            #expect(try await record(1, ["value": 9.2]).json()["result"].stringValue == "flag")
            #expect(try await record(2, ["text": "All quiet"]).json()["result"].stringValue == "done")
            #expect(try await record(3, ["result": "fail", "text": "Cracked"]).json()["result"].stringValue == "fail")
            #expect(try await record(4, ["choice": "purple"]).problemFields() == ["choice"])
            #expect(try await record(4, ["choice": "ok"]).json()["choice"].stringValue == "ok")
            let reading = try await record(5, ["value": 4120])
            #expect(reading.status == .ok)
            #expect(try await app.send(.GET, "/api/v1/meters/\(meter)", token: tenant.token).json()["lastValue"].value as? Double == 4120)
            #expect(try await record(5, ["value": 4000]).problemFields() == ["value"])

            let followUp = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/tasks/\(try tasks[3]["id"].string())/follow-up", token: tenant.token)
            #expect(followUp.status == .created)
            let child = try followUp.json()
            #expect(child["title"].stringValue == "Follow-up: Belt condition")
            #expect(child["priority"].stringValue == "high")
            #expect(try child["parentWorkOrderId"].uuid() == order)
            #expect(try child["assetId"].uuid() == asset)
            let again = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/tasks/\(try tasks[3]["id"].string())/follow-up", token: tenant.token)
            #expect(again.status == .conflict)
            let notFailed = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/tasks/\(try tasks[0]["id"].string())/follow-up", token: tenant.token)
            #expect(notFailed.status == .conflict)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(order)/complete", token: tenant.token, json: ["resolutionNote": "ok"])
                    .status == .ok)
        }
    }

    @Test func badTemplatesListEveryItemProblem() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/checklist-templates", token: tenant.token,
                json: [
                    "name": "x",
                    "items": [
                        ["kind": "juggle", "label": "a"], ["kind": "multiple_choice", "label": "b", "choices": ["only"]],
                        ["kind": "meter_reading", "label": "c"],
                    ],
                ])
            #expect(try response.problemFields() == ["items[0].kind", "items[1].choices", "items[2].meterId"])
        }
    }

    @Test func aPMScheduleWithATemplatePutsItsTasksOnEachWorkOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let template = try await app.send(
                .POST, "/api/v1/checklist-templates", token: tenant.token,
                json: ["name": "Grease", "items": [["kind": "subtask", "label": "Grease bearings"]]]
            ).json()["id"].string()
            _ = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token,
                json: [
                    "assetId": asset.uuidString, "title": "Grease", "calendar": ["every": 1, "unit": "week"],
                    "nextDueAt": "2026-01-01T00:00:00Z",
                    "checklistTemplateId": template,
                ])
            let created = try await PMGenerator.run(app)
            let tasks = try await app.send(.GET, "/api/v1/work-orders/\(created[0])/tasks", token: tenant.token).json()["items"].array
            #expect(tasks.compactMap(\.["label"].stringValue) == ["Grease bearings"])
        }
    }
}
