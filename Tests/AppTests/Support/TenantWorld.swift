import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// One of everything an organization can own, made through the API: the ids the route-walking tests put in
/// paths (by path parameter name) and in bodies (by the kind of thing a field names).
struct TenantWorld {
    /// By path parameter name, as the routes spell them (`workOrderID`).
    var ids: [String: UUID]
    /// Path parameters that are not UUIDs.
    var names: [String: String]
    var member: (id: UUID, token: String)
}

extension Application {
    func makeWorld(_ tenant: Tenant, atomKey: String = "line2-f004") async throws -> TenantWorld {
        let member = try await addMember(to: tenant, role: .technician)
        let key = try await send(.POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "k", "scopes": ["users:read"]])
        let keyID = try key.json()["apiKey"]["id"].uuid()
        let events = try await send(.GET, "/api/v1/audit-events", token: tenant.token)
        let eventID = try events.json()["items"][0]["id"].uuid()

        let site = try await makeSite(tenant)
        let asset = try await makeAsset(tenant, site: site)
        let meter = try await makeMeter(tenant, asset: asset)
        let client = try await send(.POST, "/api/v1/clients", token: tenant.token, json: ["name": "Client"]).json()["id"].uuid()
        let location = try await send(
            .POST, "/api/v1/locations", token: tenant.token, json: ["siteId": site.uuidString, "name": "Hall 1"]
        ).json()["id"].uuid()
        let team = try await send(.POST, "/api/v1/teams", token: tenant.token, json: ["name": "Crew"]).json()["id"].uuid()
        let failureCode = try await send(
            .POST, "/api/v1/failure-codes", token: tenant.token,
            json: ["category": "cause", "code": "C-\(atomKey.prefix(8))", "description": "Wear"]
        ).json()["id"].uuid()
        let workOrder = try await makeWorkOrder(tenant, json: ["assetId": asset.uuidString])
        let labor = try await send(.POST, "/api/v1/work-orders/\(workOrder)/labor", token: tenant.token, json: ["minutes": 30])
            .json()["id"].uuid()
        let cost = try await send(
            .POST, "/api/v1/work-orders/\(workOrder)/costs", token: tenant.token, json: ["description": "Crane", "amount": 120]
        ).json()["id"].uuid()
        let downtime = try await send(.POST, "/api/v1/work-orders/\(workOrder)/downtime", token: tenant.token, json: [:])
            .json()["id"].uuid()
        let stock = try await makeStock(tenant, quantity: 5, minimum: 10)
        let purchase = try await makeSubmittedPurchaseOrder(tenant)
        let vendor = try await send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "V"]).json()["id"].uuid()
        let reservation = try await send(
            .POST, "/api/v1/work-orders/\(workOrder)/reservations", token: tenant.token,
            json: ["stockLevelId": stock.level.uuidString, "quantity": 1]
        ).json()["id"].uuid()
        let alert = try await send(.GET, "/api/v1/alerts", token: tenant.token).json()["items"][0]["id"].uuid()
        let schedule = try await send(
            .POST, "/api/v1/pm-schedules", token: tenant.token,
            json: [
                "assetId": asset.uuidString, "title": "Grease", "calendar": ["every": 1, "unit": "month"],
                "nextDueAt": "2030-01-01T08:00:00Z",
            ]
        ).json()["id"].uuid()
        let maintenanceRequest = try await send(
            .POST, "/api/v1/requests", token: tenant.token, json: ["title": "Door sticks", "assetId": asset.uuidString]
        ).json()["id"].uuid()
        let attachment = try await upload("/api/v1/work-orders/\(workOrder)/attachments", token: tenant.token, bytes: jpegBytes)
            .json()["id"].uuid()
        let template = try await send(
            .POST, "/api/v1/checklist-templates", token: tenant.token,
            json: ["name": "Round", "items": [["kind": "subtask", "label": "Look"]]]
        ).json()["id"].uuid()
        let task = try await send(
            .POST, "/api/v1/work-orders/\(workOrder)/tasks", token: tenant.token, json: ["templateId": template.uuidString]
        )
        .json()[0]["id"].uuid()
        let customField = try await send(
            .POST, "/api/v1/custom-fields", token: tenant.token,
            json: ["key": "panel_\(atomKey.filter(\.isLetter).prefix(8))", "label": "Panel", "type": "text"]
        ).json()["id"].uuid()
        let diagnosis = try await send(
            .POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004", "assetId": asset.uuidString]
        ).json()["id"].uuid()
        let knowledgeAtom = try await send(
            .POST, "/api/v1/knowledge-atoms", token: tenant.token,
            json: [
                "key": atomKey, "family": "rockwell.powerflex-520", "type": "fault", "title": "F004 on line 2",
                "summary": "Always the DC-bus fuse.", "faultCodes": ["F004"], "safety": ["level": "info", "notes": []],
            ]
        ).json()["id"].uuid()
        let savedView = try await send(
            .POST, "/api/v1/saved-views", token: tenant.token, json: ["name": "Mine", "page": "work-orders", "query": "status=open"]
        ).json()["id"].uuid()
        let invitation = try await send(
            .POST, "/api/v1/users", token: tenant.token, json: ["email": "invited-\(atomKey.prefix(8))@example.com", "role": "viewer"]
        ).json()["invitation"]["id"].uuid()
        let ids: [String: UUID] = [
            "invitationID": invitation,
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
        return TenantWorld(ids: ids, names: ["atomId": "org.\(atomKey)"], member: member)
    }
}
