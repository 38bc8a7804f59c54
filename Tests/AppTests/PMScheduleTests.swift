import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Preventive maintenance")
struct PMScheduleTests {
    static func date(_ text: String) -> Date { JSONBody.parseDate(text)! }

    static func makeSchedule(_ app: Application, _ tenant: Tenant, asset: UUID, json: [String: Any]) async throws -> UUID {
        var body: [String: Any] = ["assetId": asset.uuidString, "title": "Grease conveyor bearings"]
        body.merge(json) { $1 }
        let response = try await app.send(.POST, "/api/v1/pm-schedules", token: tenant.token, json: body)
        #expect(response.status == .created, "schedule: \(response.body.string)")
        return try response.json()["id"].uuid()
    }

    @Test func aDueCalendarScheduleMakesExactlyOneWorkOrderLeadDaysEarly() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let technician = try await app.addMember(to: tenant, role: .technician)
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset,
                json: [
                    "calendar": ["every": 1, "unit": "week"], "nextDueAt": "2026-12-10T08:00:00Z", "leadDays": 3,
                    "assigneeIds": [technician.id.uuidString], "priority": "high",
                ])
            #expect(try await PMGenerator.run(app, now: Self.date("2026-12-06T12:00:00Z")).isEmpty)
            let created = try await PMGenerator.run(app, now: Self.date("2026-12-07T09:00:00Z"))
            #expect(created.count == 1)
            // Again, as after a restart: nothing new.
            #expect(try await PMGenerator.run(app, now: Self.date("2026-12-08T09:00:00Z")).isEmpty)
            let order = try await app.send(.GET, "/api/v1/work-orders/\(created[0])", token: tenant.token).json()
            #expect(order["source"].stringValue == "pm")
            #expect(order["type"].stringValue == "preventive")
            #expect(order["priority"].stringValue == "high")
            #expect(try order["pmScheduleId"].uuid() == schedule)
            #expect(try order["assigneeIds"][0].uuid() == technician.id)
            #expect(order["dueAt"].stringValue == "2026-12-10T08:00:00Z")
        }
    }

    @Test func completingThePMWorkOrderMovesTheNextDueDateByItsRule() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["calendar": ["every": 1, "unit": "month"], "nextDueAt": "2027-01-31T08:00:00Z"])
            // Generated (the job's clock is told it is the due day) and done early, before the due date.
            let created = try await PMGenerator.run(app, now: Self.date("2027-01-31T08:00:00Z"))
            let done = try await app.send(
                .POST, "/api/v1/work-orders/\(created[0])/complete", token: tenant.token, json: ["resolutionNote": "greased"])
            #expect(done.status == .ok)
            let moved = try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()
            #expect(moved["nextDueAt"].stringValue == "2027-02-28T08:00:00Z")
            // The next occurrence is a new due point, so it is generated once more.
            #expect(try await PMGenerator.run(app, now: Self.date("2027-02-28T09:00:00Z")).count == 1)
        }
    }

    @Test func aMeterScheduleComesDueWhenTheReadingGetsThere() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1000])
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["meter": ["meterId": meter.uuidString, "every": 250]])
            #expect(
                try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()["nextDueReading"].value as? Double
                    == 1250)
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1200])
            #expect(try await PMGenerator.run(app).isEmpty)
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1262])
            let created = try await PMGenerator.run(app)
            #expect(created.count == 1)
            _ = try await app.send(
                .POST, "/api/v1/work-orders/\(created[0])/complete", token: tenant.token, json: ["resolutionNote": "oil changed"])
            #expect(
                try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()["nextDueReading"].value as? Double
                    == 1512)
        }
    }

    @Test func aWhicheverFirstPMBroughtDueByItsMeterIsDueNowAndBothLegsRestartFromTheWork() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1000])
            let now = Date()
            let farOff = now.addingTimeInterval(200 * 86_400)
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset,
                json: [
                    "calendar": ["every": 1, "unit": "year"], "nextDueAt": farOff.formatted(.iso8601), "leadDays": 2,
                    "meter": ["meterId": meter.uuidString, "every": 500],
                ])
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1510])
            let created = try await PMGenerator.run(app, now: now)
            #expect(created.count == 1)
            let order = try await app.send(.GET, "/api/v1/work-orders/\(created[0])", token: tenant.token).json()
            let dueAt = try #require(order["dueAt"].stringValue.flatMap(JSONBody.parseDate))
            // Due now plus the lead window, not at the calendar leg's date 200 days out.
            #expect(abs(dueAt.timeIntervalSince(now) - 2 * 86_400) < 3600)
            _ = try await app.send(
                .POST, "/api/v1/work-orders/\(created[0])/complete", token: tenant.token, json: ["resolutionNote": "done"])
            let moved = try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()
            #expect(moved["nextDueReading"].value as? Double == 2010)
            // The calendar leg counts a year from this order's due date, not from the date it had.
            let next = try #require(moved["nextDueAt"].stringValue.flatMap(JSONBody.parseDate))
            #expect(abs(next.timeIntervalSince(dueAt) - 365 * 86_400) < 2 * 86_400)
        }
    }

    @Test func aMeterPMIsOnTimeWithinTheGraceItsMetersRateImplies() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            let day: TimeInterval = 86_400
            let start = Date().addingTimeInterval(-18 * day)
            // 10 units a day: the 500-unit interval is 50 days, so the grace is 10 days.
            for (offset, value) in [(0.0, 0.0), (10.0, 100.0)] {
                let reading = try await app.send(
                    .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token,
                    json: ["value": value, "readAt": start.addingTimeInterval(offset * day).formatted(.iso8601)])
                #expect(reading.status == .created, "reading: \(reading.body.string)")
            }
            _ = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["meter": ["meterId": meter.uuidString, "every": 500], "nextDueReading": 100])
            // Brought due 8 days ago, done today: past the week a meter with no rate would get, within its 10 days.
            let created = try await PMGenerator.run(app, now: start.addingTimeInterval(10 * day))
            #expect(created.count == 1)
            _ = try await app.send(
                .POST, "/api/v1/work-orders/\(created[0])/complete", token: tenant.token, json: ["resolutionNote": "done"])
            let report = try await app.send(
                .GET,
                "/api/v1/pm-schedules/compliance?from=\(start.formatted(.iso8601))&to=\(Date().addingTimeInterval(day).formatted(.iso8601))",
                token: tenant.token
            ).json()
            #expect(report["due"].value as? Int == 1)
            #expect(report["completedOnTime"].value as? Int == 1)
        }
    }

    @Test func aMeterInUseIsNotDeletedAndTheAnswerSaysWhatUsesIt() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            _ = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 10])
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["title": "Oil change", "meter": ["meterId": meter.uuidString, "every": 250]])
            let template = try await app.send(
                .POST, "/api/v1/checklist-templates", token: tenant.token,
                json: ["name": "Hours round", "items": [["kind": "meter_reading", "label": "Hours", "meterId": meter.uuidString]]])
            #expect(template.status == .created, "template: \(template.body.string)")
            let refused = try await app.send(.DELETE, "/api/v1/meters/\(meter)", token: tenant.token)
            #expect(refused.status == .conflict)
            let detail = try refused.json()["detail"].stringValue ?? ""
            #expect(detail.contains("1 reading") && detail.contains("“Oil change”") && detail.contains("“Hours round”"), "\(detail)")
            // Nothing was lost: the readings, and the schedule's meter leg.
            #expect(try await MeterReading.query(on: app.db).filter(\.$meterID == meter).count() == 1)
            let kept = try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()
            #expect(try kept["meter"]["meterId"].uuid() == meter)
            // A meter nothing uses goes.
            let unused = try await app.makeMeter(tenant, asset: asset)
            #expect(try await app.send(.DELETE, "/api/v1/meters/\(unused)", token: tenant.token).status == .noContent)
        }
    }

    @Test func aScheduleThatCannotMakeItsWorkOrderRaisesOneAlertUntilItCanAgain() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let technician = try await app.addMember(to: tenant, role: .technician)
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset,
                json: [
                    "title": "Belt check", "calendar": ["every": 1, "unit": "week"], "nextDueAt": "2026-12-10T08:00:00Z",
                    "assigneeIds": [technician.id.uuidString],
                ])
            // The technician leaves; the schedule still names them, so its work order cannot be made.
            #expect(try await app.send(.DELETE, "/api/v1/users/\(technician.id)", token: tenant.token).status == .noContent)
            for _ in 0..<2 { #expect(try await PMGenerator.run(app, now: Self.date("2026-12-10T09:00:00Z")).isEmpty) }
            let alerts = try await app.send(.GET, "/api/v1/alerts?status=open", token: tenant.token).json()["items"].array
            #expect(alerts.count == 1)
            #expect(alerts.first?["kind"].stringValue == "pm_generation_failed")
            #expect(try alerts.first?["entityId"].uuid() == schedule)
            #expect(alerts.first?["message"].stringValue?.contains("Belt check") == true)
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            let page = try await owner.get("/admin/alerts").body.string
            #expect(page.contains("id=\"alerts\"") && page.contains("PM “Belt check” could not make its work order"))

            // Fixed, the next run makes the order and the alert resolves itself.
            let version = try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).headers.first(name: .eTag) ?? ""
            let fixed = try await app.send(
                .PATCH, "/api/v1/pm-schedules/\(schedule)", token: tenant.token, json: ["assigneeIds": []], headers: ["If-Match": version])
            #expect(fixed.status == .ok, "fix: \(fixed.body.string)")
            #expect(try await PMGenerator.run(app, now: Self.date("2026-12-10T09:00:00Z")).count == 1)
            #expect(try await app.send(.GET, "/api/v1/alerts?status=open", token: tenant.token).json()["items"].array.isEmpty)
        }
    }

    @Test func concurrentRunsStillMakeOneWorkOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            _ = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["calendar": ["every": 1, "unit": "day"], "nextDueAt": "2026-01-01T00:00:00Z"])
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await PMGenerator.run(app).count } }
                return try await group.reduce(0, +)
            }
            #expect(counts == 1)
            #expect(try await WorkOrder.query(on: app.db).filter(\.$source == .pm).count() == 1)
        }
    }

    @Test func badSchedulesListEveryProblem() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let noTrigger = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token, json: ["assetId": asset.uuidString, "title": "x"])
            #expect(try noTrigger.problemFields() == ["calendar"])
            let bad = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token,
                json: ["assetId": asset.uuidString, "title": "x", "calendar": ["every": 0, "unit": "fortnight"], "type": "emergency"])
            #expect(try bad.problemFields() == ["calendar.every", "calendar.unit", "type"])
            let otherMeter = try await app.makeMeter(tenant)
            let wrongMeter = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token,
                json: ["assetId": asset.uuidString, "title": "x", "meter": ["meterId": otherMeter.uuidString, "every": 10]])
            #expect(try wrongMeter.problemFields() == ["meter.meterId"])
        }
    }

    @Test func complianceCountsTwentyPercentGraceCappedAt28Days() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            // Every 10 days: 2 days of grace.
            _ = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["calendar": ["every": 10, "unit": "day"], "nextDueAt": "2026-03-01T00:00:00Z"])
            let first = try await PMGenerator.run(app, now: Self.date("2026-03-01T00:00:00Z"))
            let firstOrder = try #require(try await WorkOrder.find(first[0], on: app.db))
            firstOrder.status = .completed
            firstOrder.completedAt = Self.date("2026-03-02T23:00:00Z")
            try await firstOrder.update(on: app.db)
            try await PMCompletion.workOrderCompleted(firstOrder, context: .cli("test", app), on: app.db)
            let second = try await PMGenerator.run(app, now: Self.date("2026-03-13T00:00:00Z"))
            let secondOrder = try #require(try await WorkOrder.find(second[0], on: app.db))
            secondOrder.status = .completed
            secondOrder.completedAt = Self.date("2026-03-15T01:00:00Z")
            try await secondOrder.update(on: app.db)
            let report = try await app.send(
                .GET, "/api/v1/pm-schedules/compliance?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z", token: tenant.token
            ).json()
            #expect(report["due"].intValue == 2)
            #expect(report["completedOnTime"].intValue == 1)
            #expect(report["completedLate"].intValue == 1)
            #expect(report["compliance"].value as? Double == 0.5)
        }
    }

    @Test func aMeterOnlyPMHasTheGraceItsMetersRateImplies() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let meter = try await app.makeMeter(tenant, asset: asset)
            // 10 h a day over the 90 days before the due date: every 100 h is every 10 days, so 2 days of grace
            // (without a rate it would be a week).
            for (day, value) in [("2026-01-01", 0), ("2026-02-20", 500)] {
                let reading = try await app.send(
                    .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": value, "readAt": day + "T00:00:00Z"])
                #expect(reading.status == .created)
            }
            let schedule = try await Self.makeSchedule(
                app, tenant, asset: asset, json: ["meter": ["meterId": meter.uuidString, "every": 100], "nextDueReading": 600])
            for completed in ["2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z"] {
                let order = try #require(
                    try await WorkOrder.find(try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString]), on: app.db))
                (order.source, order.pmScheduleID, order.pmDueAt) = (.pm, schedule, Self.date("2026-03-01T00:00:00Z"))
                (order.status, order.completedAt) = (.completed, Self.date(completed))
                try await order.update(on: app.db)
            }
            let report = try await app.send(
                .GET, "/api/v1/pm-schedules/compliance?from=2026-02-15T00:00:00Z&to=2026-03-15T00:00:00Z", token: tenant.token
            ).json()
            #expect(report["due"].intValue == 2)
            #expect(report["completedOnTime"].intValue == 1)
            #expect(report["completedLate"].intValue == 1)
        }
    }
}
