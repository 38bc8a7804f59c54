import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Work orders")
struct WorkOrderTests {
    @Test func numbersCountUpPerOrganization() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant()
            let second = try await app.makeTenant()
            var numbers: [String] = []
            for _ in 0..<3 {
                let id = try await app.makeWorkOrder(first)
                numbers.append(try await app.send(.GET, "/api/v1/work-orders/\(id)", token: first.token).json()["number"].string())
            }
            #expect(numbers == ["WO-000001", "WO-000002", "WO-000003"])
            let other = try await app.makeWorkOrder(second)
            #expect(
                try await app.send(.GET, "/api/v1/work-orders/\(other)", token: second.token).json()["number"].stringValue == "WO-000001")
        }
    }

    @Test func theSiteComesFromTheAssetAndBadReferencesAreAllListed() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let asset = try await app.makeAsset(tenant, site: site)
            let id = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString, "priority": "high", "type": "corrective"])
            let order = try await app.send(.GET, "/api/v1/work-orders/\(id)", token: tenant.token).json()
            #expect(try order["siteId"].uuid() == site)
            #expect(order["status"].stringValue == "open")
            #expect(order["allowedActions"].array.compactMap(\.stringValue) == ["start", "complete", "cancel"])

            let bad = try await app.send(
                .POST, "/api/v1/work-orders", token: tenant.token,
                json: ["title": "", "assetId": UUID().uuidString, "assigneeIds": [UUID().uuidString], "priority": "asap", "source": "pm"])
            #expect(bad.status == .unprocessableEntity)
            // Every problem at once: the fields' own and the ids that name nothing of this organization.
            #expect(try bad.problemFields() == ["title", "priority", "source", "assetId", "assigneeIds[0]"])
            let unknownRefs = try await app.send(
                .POST, "/api/v1/work-orders", token: tenant.token,
                json: ["title": "x", "assetId": UUID().uuidString, "assigneeIds": [UUID().uuidString]])
            #expect(try unknownRefs.problemFields() == ["assetId", "assigneeIds[0]"])
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func aSafetyHazardOrInjuryInTheTextMakesAnOrderWithNoGivenPriorityCritical() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            func priority(_ json: [String: Any]) async throws -> String? {
                var body = json
                body["siteId"] = site.uuidString
                let made = try await app.send(.POST, "/api/v1/work-orders", token: tenant.token, json: body)
                #expect(made.status == .created, "\(made.body.string)")
                return try made.json()["priority"].stringValue
            }
            #expect(try await priority(["title": "Press 4 guard removed", "description": "Operator could injure a hand"]) == "critical")
            #expect(try await priority(["title": "Oil on the floor by press 2", "description": "Slip hazard"]) == "critical")
            #expect(try await priority(["title": "Worker injured at saw 3"]) == "critical")
            // A priority given is kept; "nobody hurt" names no injury; plain work keeps the default.
            #expect(try await priority(["title": "Worker injured at saw 3", "priority": "low"]) == "low")
            #expect(try await priority(["title": "Belt slipped on conveyor 1", "description": "Nobody hurt"]) == "medium")
            #expect(try await priority(["title": "Replace the lamp in office 2"]) == "medium")
        }
    }

    @Test func workOrdersSortByPriorityAndPageThroughInThatOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            for (index, priority) in ["low", "critical", "medium", "none", "high", "critical", "low"].enumerated() {
                _ = try await app.makeWorkOrder(tenant, json: ["title": "Order \(index)", "siteId": site.uuidString, "priority": priority])
            }
            var seen: [String] = []
            var path = "/api/v1/work-orders?sort=-priority&limit=3"
            while true {
                let page = try await app.send(.GET, path, token: tenant.token).json()
                seen += page["items"].array.compactMap { $0["priority"].stringValue }
                guard let cursor = page["nextCursor"].stringValue else { break }
                path =
                    "/api/v1/work-orders?sort=-priority&limit=3&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            }
            #expect(seen == ["critical", "critical", "high", "medium", "low", "low", "none"])
            // A priority changed later moves the order.
            let lowest = try await app.send(.GET, "/api/v1/work-orders?sort=priority&limit=1", token: tenant.token).json()["items"][0]
            let id = try lowest["id"].string()
            let version = try await app.send(.GET, "/api/v1/work-orders/\(id)", token: tenant.token).headers.first(name: .eTag) ?? ""
            _ = try await app.send(
                .PATCH, "/api/v1/work-orders/\(id)", token: tenant.token, json: ["priority": "critical"], headers: ["If-Match": version])
            let top = try await app.send(.GET, "/api/v1/work-orders?sort=-priority&limit=3", token: tenant.token).json()["items"].array
            #expect(top.contains { $0["id"].stringValue == id })
        }
    }

    @Test func theLifeOfAWorkOrderFollowsTheStateMachine() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let technician = try await app.addMember(to: tenant, role: .technician)
            let id = try await app.makeWorkOrder(tenant, json: ["assigneeIds": [technician.id.uuidString]])
            func act(_ action: String, _ token: String, _ json: [String: Any]? = nil) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/work-orders/\(id)/\(action)", token: token, json: json)
            }
            #expect(try await act("start", technician.token).json()["status"].stringValue == "in_progress")
            let hold = try await act("hold", technician.token)
            #expect(hold.status == .unprocessableEntity)
            #expect(try hold.problemFields() == ["reason"])
            #expect(try await act("hold", technician.token, ["reason": "waiting for parts"]).json()["status"].stringValue == "on_hold")
            let illegal = try await act("start", technician.token)
            #expect(illegal.status == .conflict)
            #expect(try illegal.json()["detail"].string().contains("resume, complete, cancel"))
            #expect(try illegal.json()["type"].stringValue == "urn:millwright:problem:transition")
            #expect(try illegal.json()["allowed"].array.compactMap(\.stringValue) == ["resume", "complete", "cancel"])
            #expect(try await act("resume", technician.token).json()["status"].stringValue == "in_progress")
            let noNote = try await act("complete", technician.token)
            #expect(try noNote.problemFields() == ["resolutionNote"])
            let done = try await act("complete", technician.token, ["resolutionNote": "Replaced the belt and tensioned it."])
            let completed = try done.json()
            #expect(completed["status"].stringValue == "completed")
            #expect(try completed["completedByUserId"].uuid() == technician.id)
            #expect(!completed["completedAt"].isNull)
            #expect(try await act("reopen", technician.token, ["reason": "still slipping"]).status == .forbidden)
            #expect(try await act("reopen", tenant.token, ["reason": "still slipping"]).json()["status"].stringValue == "reopened")
            #expect(try await act("cancel", tenant.token, ["reason": "replaced by WO-2"]).json()["status"].stringValue == "cancelled")
            let final = try await act("start", tenant.token)
            #expect(try final.json()["detail"].string().contains("none: it is final"))
            #expect((try final.json()["allowed"].value as? [Any])?.isEmpty == true)
            let actions = try await app.send(.GET, "/api/v1/audit-events?entityId=\(id)&sort=sequence", token: tenant.token)
            #expect(
                try actions.json()["items"].array.compactMap(\.["action"].stringValue) == [
                    "work_order.created", "work_order.start", "work_order.hold", "work_order.resume", "work_order.complete",
                    "work_order.reopen", "work_order.cancel",
                ])
        }
    }

    @Test func aTechnicianWorksOnlyTheirOwnOrdersOrClaimsUnassignedOnes() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let alice = try await app.addMember(to: tenant, role: .technician)
            let bob = try await app.addMember(to: tenant, role: .technician)
            let alices = try await app.makeWorkOrder(tenant, json: ["assigneeIds": [alice.id.uuidString]])
            #expect(try await app.send(.POST, "/api/v1/work-orders/\(alices)/start", token: bob.token).status == .forbidden)
            let nobodys = try await app.makeWorkOrder(tenant)
            let claimed = try await app.send(.POST, "/api/v1/work-orders/\(nobodys)/start", token: bob.token)
            #expect(claimed.status == .ok)
            #expect(try claimed.json()["assigneeIds"].array.map { try $0.uuid() } == [bob.id])
            let mine = try await app.send(.GET, "/api/v1/work-orders?assigneeId=me", token: bob.token)
            #expect(try mine.json()["items"].array.map { try $0["id"].uuid() } == [nobodys])
            // Through a team.
            let team = try await app.send(
                .POST, "/api/v1/teams", token: tenant.token, json: ["name": "Day", "memberIds": [bob.id.uuidString]])
            let teams = try await app.makeWorkOrder(tenant, json: ["teamId": try team.json()["id"].string()])
            #expect(try await app.send(.POST, "/api/v1/work-orders/\(teams)/start", token: bob.token).status == .ok)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(teams)/cancel", token: bob.token, json: ["reason": "x"]).status
                    == .forbidden)
        }
    }

    @Test func failureCodesAreRequiredWhenTheOrganizationSaysSo() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["requireFailureCodes": true]])
            var codes: [String: String] = [:]
            for (category, code) in [("problem", "P-NOISE"), ("cause", "C-LUBE"), ("remedy", "R-BEARING")] {
                let created = try await app.send(
                    .POST, "/api/v1/failure-codes", token: tenant.token, json: ["category": category, "code": code, "description": code])
                codes[category] = try created.json()["id"].string()
            }
            let id = try await app.makeWorkOrder(tenant)
            let without = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/complete", token: tenant.token, json: ["resolutionNote": "done"])
            #expect(try without.problemFields() == ["problemCodeId", "causeCodeId", "remedyCodeId"])
            let swapped = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/complete", token: tenant.token,
                json: [
                    "resolutionNote": "done", "problemCodeId": codes["cause"]!, "causeCodeId": codes["problem"]!,
                    "remedyCodeId": codes["remedy"]!,
                ])
            #expect(try swapped.problemFields() == ["problemCodeId", "causeCodeId"])
            let right = try await app.send(
                .POST, "/api/v1/work-orders/\(id)/complete", token: tenant.token,
                json: [
                    "resolutionNote": "done", "problemCodeId": codes["problem"]!, "causeCodeId": codes["cause"]!,
                    "remedyCodeId": codes["remedy"]!,
                ])
            #expect(right.status == .ok)
            #expect(try right.json()["remedyCodeId"].string() == codes["remedy"])
        }
    }

    @Test func aStaleVersionCannotOverwriteAndAFinalOrderCannotBeEdited() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let id = try await app.makeWorkOrder(tenant)
            var stale = HTTPHeaders()
            stale.replaceOrAdd(name: .ifMatch, value: "\"1\"")
            #expect(
                try await app.send(.PATCH, "/api/v1/work-orders/\(id)", token: tenant.token, json: ["priority": "high"], headers: stale)
                    .status == .ok)
            #expect(
                try await app.send(.PATCH, "/api/v1/work-orders/\(id)", token: tenant.token, json: ["priority": "low"], headers: stale)
                    .status
                    == .preconditionFailed)
            #expect(
                try await app.send(.POST, "/api/v1/work-orders/\(id)/start", token: tenant.token, headers: stale).status
                    == .preconditionFailed)
            _ = try await app.send(.POST, "/api/v1/work-orders/\(id)/cancel", token: tenant.token, json: ["reason": "dup"])
            #expect(try await app.send(.PATCH, "/api/v1/work-orders/\(id)", token: tenant.token, json: ["title": "x"]).status == .conflict)
        }
    }

    @Test func listsFilterByStatusPriorityAssetAndOverdue() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let late = try await app.makeWorkOrder(
                tenant, json: ["assetId": asset.uuidString, "dueAt": "2020-01-01T00:00:00Z", "priority": "critical"])
            let later = try await app.makeWorkOrder(tenant, json: ["dueAt": "2999-01-01T00:00:00Z"])
            _ = try await app.send(.POST, "/api/v1/work-orders/\(later)/start", token: tenant.token)
            func ids(_ query: String) async throws -> [UUID] {
                try await app.send(.GET, "/api/v1/work-orders?\(query)", token: tenant.token).json()["items"].array.map {
                    try $0["id"].uuid()
                }
            }
            #expect(try await ids("overdue=true") == [late])
            #expect(try await ids("status=in_progress") == [later])
            #expect(try await ids("status=open,in_progress&sort=number") == [late, later])
            #expect(try await ids("priority=critical") == [late])
            #expect(try await ids("assetId=\(asset)") == [late])
            #expect(try await app.send(.GET, "/api/v1/work-orders?status=done", token: tenant.token).problemFields() == ["status"])
        }
    }

    @Test func changesArePublishedAsDomainEvents() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let received = try await app.events.recording {
                let id = try await app.makeWorkOrder(tenant)
                _ = try await app.send(.POST, "/api/v1/work-orders/\(id)/complete", token: tenant.token, json: ["resolutionNote": "ok"])
            }.map(\.name)
            #expect(received == [.workOrderCreated, .workOrderStatusChanged, .workOrderCompleted])
        }
    }
}

@Suite("Work-order counts")
struct WorkOrderCountTests {
    @Test func theHomePagesCountsComeFromTheDatabaseAndKeepToTheSites() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let north = try await app.makeSite(tenant, name: "North")
            let south = try await app.makeSite(tenant, name: "South")
            for (site, priority) in [(north, "high"), (north, "high"), (north, "low"), (south, "critical")] {
                _ = try await app.makeWorkOrder(tenant, json: ["title": "x", "siteId": site.uuidString, "priority": priority])
            }
            let done = try await app.makeWorkOrder(tenant, json: ["title": "done", "siteId": north.uuidString, "priority": "high"])
            _ = try await app.send(.POST, "/api/v1/work-orders/\(done)/complete", token: tenant.token, json: ["resolutionNote": "ok"])
            let owner = Principal.system("test", organizationID: tenant.organizationID)
            let limited = Principal(
                organizationID: tenant.organizationID, userID: nil, email: nil, role: .manager, permissions: owner.permissions,
                siteIDs: [north], credential: .system("test"))
            let open = WebHome.openStatuses
            #expect(try await WorkOrderCounts.backlog(principal: owner, statuses: open, on: app.db) == [.high: 2, .low: 1, .critical: 1])
            #expect(try await WorkOrderCounts.backlog(principal: limited, statuses: open, on: app.db) == [.high: 2, .low: 1])
            let start = Date().addingTimeInterval(-7 * 86_400 + 60)
            #expect(try await WorkOrderCounts.perWeek("created_at", from: start, weeks: 2, principal: owner, on: app.db) == [5, 0])
            #expect(try await WorkOrderCounts.perWeek("created_at", from: start, weeks: 2, principal: limited, on: app.db) == [4, 0])
            #expect(try await WorkOrderCounts.perWeek("completed_at", from: start, weeks: 2, principal: owner, on: app.db) == [1, 0])
            // A membership limited to no site counts nothing (and the query is still valid SQL).
            let nowhere = Principal(
                organizationID: tenant.organizationID, userID: nil, email: nil, role: .manager, permissions: owner.permissions,
                siteIDs: [], credential: .system("test"))
            #expect(try await WorkOrderCounts.backlog(principal: nowhere, statuses: open, on: app.db) == [:])
            #expect(try await WorkOrderCounts.perWeek("created_at", from: start, weeks: 2, principal: nowhere, on: app.db) == [0, 0])
        }
    }
}
