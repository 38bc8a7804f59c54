import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Walks every route under `/api/v1` with a second tenant's owner against the first tenant's ids.
/// New routes are picked up automatically; a new path parameter needs an id in `firstTenantIDs` below.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    @Test func everyRouteWithAnIdAnswers404ForAnotherTenantsIds() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant("First")
            let second = try await app.makeTenant("Second")
            let member = try await app.addMember(to: first, role: .technician)
            let key = try await app.send(.POST, "/api/v1/api-keys", token: first.token, json: ["name": "k", "scopes": ["users:read"]])
            let keyID = try key.json()["apiKey"]["id"].uuid()
            let events = try await app.send(.GET, "/api/v1/audit-events", token: first.token)
            let eventID = try events.json()["items"][0]["id"].uuid()

            let site = try await app.makeSite(first)
            let asset = try await app.makeAsset(first, site: site)
            let meter = try await app.makeMeter(first, asset: asset)
            let client = try await app.send(.POST, "/api/v1/clients", token: first.token, json: ["name": "Client"]).json()["id"].uuid()
            let location = try await app.send(
                .POST, "/api/v1/locations", token: first.token, json: ["siteId": site.uuidString, "name": "Hall 1"]
            ).json()["id"].uuid()
            let team = try await app.send(.POST, "/api/v1/teams", token: first.token, json: ["name": "Crew"]).json()["id"].uuid()
            let failureCode = try await app.send(
                .POST, "/api/v1/failure-codes", token: first.token, json: ["category": "cause", "code": "C1", "description": "Wear"]
            ).json()["id"].uuid()
            let workOrder = try await app.makeWorkOrder(first, json: ["assetId": asset.uuidString])
            let labor = try await app.send(.POST, "/api/v1/work-orders/\(workOrder)/labor", token: first.token, json: ["minutes": 30])
                .json()["id"].uuid()
            let cost = try await app.send(
                .POST, "/api/v1/work-orders/\(workOrder)/costs", token: first.token, json: ["description": "Crane", "amount": 120]
            ).json()["id"].uuid()
            let downtime = try await app.send(.POST, "/api/v1/work-orders/\(workOrder)/downtime", token: first.token, json: [:])
                .json()["id"].uuid()
            let stock = try await app.makeStock(first, quantity: 5, minimum: 10)
            let purchase = try await app.makeSubmittedPurchaseOrder(first)
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: first.token, json: ["name": "V"]).json()["id"].uuid()
            let reservation = try await app.send(
                .POST, "/api/v1/work-orders/\(workOrder)/reservations", token: first.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 1]
            ).json()["id"].uuid()
            let alert = try await app.send(.GET, "/api/v1/alerts", token: first.token).json()["items"][0]["id"].uuid()
            let schedule = try await app.send(
                .POST, "/api/v1/pm-schedules", token: first.token,
                json: [
                    "assetId": asset.uuidString, "title": "Grease", "calendar": ["every": 1, "unit": "month"],
                    "nextDueAt": "2030-01-01T08:00:00Z",
                ]
            ).json()["id"].uuid()
            let maintenanceRequest = try await app.send(
                .POST, "/api/v1/requests", token: first.token, json: ["title": "Door sticks", "assetId": asset.uuidString]
            ).json()["id"].uuid()
            let attachment = try await app.upload("/api/v1/work-orders/\(workOrder)/attachments", token: first.token, bytes: jpegBytes)
                .json()["id"].uuid()
            let template = try await app.send(
                .POST, "/api/v1/checklist-templates", token: first.token,
                json: ["name": "Round", "items": [["kind": "subtask", "label": "Look"]]]
            ).json()["id"].uuid()
            let task = try await app.send(
                .POST, "/api/v1/work-orders/\(workOrder)/tasks", token: first.token, json: ["templateId": template.uuidString]
            )
            .json()[0]["id"].uuid()
            let customField = try await app.send(
                .POST, "/api/v1/custom-fields", token: first.token, json: ["key": "panel", "label": "Panel", "type": "text"]
            ).json()["id"].uuid()
            let diagnosis = try await app.send(
                .POST, "/api/v1/diagnoses", token: first.token, json: ["query": "PowerFlex 525 F004", "assetId": asset.uuidString]
            ).json()["id"].uuid()
            let knowledgeAtom = try await app.send(
                .POST, "/api/v1/knowledge-atoms", token: first.token,
                json: [
                    "key": "line2-f004", "family": "rockwell.powerflex-520", "type": "fault", "title": "F004 on line 2",
                    "summary": "Always the DC-bus fuse.", "faultCodes": ["F004"], "safety": ["level": "info", "notes": []],
                ]
            ).json()["id"].uuid()
            let savedView = try await app.send(
                .POST, "/api/v1/saved-views", token: first.token, json: ["name": "Mine", "page": "work-orders", "query": "status=open"]
            ).json()["id"].uuid()
            // Path parameters that are not UUIDs: the first tenant's own atom, by its atom id.
            let firstTenantNames: [String: String] = ["atomId": "org.line2-f004"]
            let firstTenantIDs: [String: UUID] = [
                "diagnosisID": diagnosis, "knowledgeAtomID": knowledgeAtom, "savedViewID": savedView,
                "customFieldID": customField,
                "checklistTemplateID": template, "taskID": task,
                "requestID": maintenanceRequest, "attachmentID": attachment,
                "pmScheduleID": schedule,
                "partID": stock.part, "stockLevelID": stock.level, "purchaseOrderID": purchase.order, "lineID": purchase.line,
                "vendorID": vendor, "reservationID": reservation, "alertID": alert,
                "laborEntryID": labor, "costID": cost, "downtimeID": downtime,
                "teamID": team, "failureCodeID": failureCode, "workOrderID": workOrder,
                "userID": member.id, "apiKeyID": keyID, "auditEventID": eventID, "siteID": site, "assetID": asset, "meterID": meter,
                "clientID": client, "locationID": location,
            ]
            var walked = 0
            for route in app.routes.all where Self.isAPI(route) && Self.parameters(of: route).count > 0 {
                var path = ""
                for component in route.path {
                    if case .parameter(let name) = component {
                        let id = try #require(
                            firstTenantIDs[name]?.uuidString ?? firstTenantNames[name],
                            "no first-tenant id for :\(name); add one to this test")
                        path += "/\(id)"
                    } else {
                        path += "/\(component)"
                    }
                }
                let body: [String: Any]? = [.POST, .PATCH, .PUT].contains(route.method) ? ["name": "taken over", "value": 1] : nil
                let response = try await app.send(route.method, path, token: second.token, json: body)
                #expect(response.status == .notFound, "\(route.method) \(path) answered \(response.status.code) to another tenant")
                walked += 1
            }
            #expect(walked >= 105)
            // Nothing of the first tenant changed.
            let stillThere = try await app.send(.GET, "/api/v1/users/\(member.id)", token: first.token)
            #expect(stillThere.status == .ok)
            #expect(try stillThere.json()["role"].stringValue == "technician")
        }
    }

    @Test func everyListAndReadWithoutIdShowsNothingOfAnotherTenant() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant("First")
            let second = try await app.makeTenant("Second")
            _ = try await app.send(.POST, "/api/v1/api-keys", token: first.token, json: ["name": "k", "scopes": ["users:read"]])
            let secrets = [first.organizationID.uuidString, first.ownerID.uuidString, first.ownerEmail]
            for route in app.routes.all where Self.isAPI(route) && Self.parameters(of: route).isEmpty && route.method == .GET {
                let path = "/" + route.path.map(\.description).joined(separator: "/")
                let response = try await app.send(.GET, path, token: second.token)
                #expect(response.status.code < 500, "GET \(path) answered \(response.status.code)")
                for secret in secrets {
                    #expect(
                        !response.body.string.localizedCaseInsensitiveContains(secret), "GET \(path) shows the first tenant's \(secret)")
                }
            }
        }
    }

    static func isAPI(_ route: Route) -> Bool {
        route.path.count >= 2 && route.path[0] == "api" && route.path[1] == "v1"
    }

    static func parameters(of route: Route) -> [String] {
        route.path.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }
}
