import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Audit trail")
struct AuditTests {
    @Test func aChangeWritesAnEventWithActorRequestIdAndBeforeAfter() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: "X-Request-Id", value: "req-audit-1")
            let response = try await app.send(
                .PATCH, "/api/v1/organization", token: tenant.token, json: ["name": "Acme Renamed"], headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "X-Request-Id") == "req-audit-1")

            let list = try await app.send(.GET, "/api/v1/audit-events?action=organization.updated", token: tenant.token)
            let event = try list.json()["items"][0]
            #expect(event["actor"]["type"].stringValue == "user")
            #expect(try event["actor"]["id"].uuid() == tenant.ownerID)
            #expect(event["actor"]["label"].stringValue == tenant.ownerEmail)
            #expect(event["requestId"].stringValue == "req-audit-1")
            #expect(try event["entityId"].uuid() == tenant.organizationID)
            #expect(event["before"]["name"].stringValue?.hasPrefix("Acme") == true)
            #expect(event["after"]["name"].stringValue == "Acme Renamed")
        }
    }

    @Test func aFailedChangeLeavesNoEventAndNoPartialWrite() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let before = try await AuditEvent.query(on: app.db).count()
            // Same e-mail twice: the second is refused and writes nothing.
            let first = try await app.send(
                .POST, "/api/v1/users", token: tenant.token, json: ["email": "pat@example.com", "role": "viewer"])
            #expect(first.status == .created)
            let second = try await app.send(
                .POST, "/api/v1/users", token: tenant.token, json: ["email": "pat@example.com", "role": "viewer"])
            #expect(second.status == .conflict)
            #expect(try await AuditEvent.query(on: app.db).count() == before + 1)
            #expect(try await Membership.query(on: app.db).filter(\.$organizationID == tenant.organizationID).count() == 2)
        }
    }

    @Test func verifyPassesOnAnUntouchedChain() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for index in 0..<3 { _ = try await app.addMember(to: tenant, role: .viewer, email: "v\(index)@example.com") }
            let verify = try await app.send(.GET, "/api/v1/audit-events/verify", token: tenant.token)
            #expect(verify.status == .ok)
            #expect(try verify.json()["ok"].boolValue == true)
            #expect(try verify.json()["checked"].intValue == 5)
            try await app.run(command: ["audit", "verify"])
        }
    }

    @Test func editingAnEventInTheDatabaseBreaksVerifyAtThatEvent() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for index in 0..<3 { _ = try await app.addMember(to: tenant, role: .viewer, email: "v\(index)@example.com") }
            let target = try #require(
                try await AuditEvent.query(on: app.db).filter(\.$organizationID == tenant.organizationID).filter(\.$sequence == 3).first())
            try await app.db.sql.raw("UPDATE audit_events SET actor_label = 'someone else' WHERE id = \(bind: target.id!)").run()

            let verify = try await app.send(.GET, "/api/v1/audit-events/verify", token: tenant.token)
            #expect(try verify.json()["ok"].boolValue == false)
            #expect(try verify.json()["brokenAtSequence"].intValue == 3)
            #expect(try verify.json()["brokenEventId"].uuid() == target.id)
            #expect(try verify.json()["checked"].intValue == 2)
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["audit", "verify"]) }
        }
    }

    @Test func removingTheNewestEventsIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.addMember(to: tenant, role: .viewer)
            try await app.db.sql.raw(
                "DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID) AND sequence = 3"
            ).run()
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, on: app.db)
            #expect(result.ok == false)
            #expect(result.brokenAtSequence == 3)
        }
    }

    @Test func removingAnEventInTheMiddleIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.addMember(to: tenant, role: .viewer)
            try await app.db.sql.raw(
                "DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID) AND sequence = 2"
            ).run()
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, on: app.db)
            #expect(result.ok == false)
            #expect(result.brokenAtSequence == 3)
        }
    }

    @Test func onlyAdminsListTheTrail() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let manager = try await app.addMember(to: tenant, role: .manager)
            #expect(try await app.send(.GET, "/api/v1/audit-events", token: manager.token).status == .forbidden)
            let admin = try await app.addMember(to: tenant, role: .admin)
            let list = try await app.send(.GET, "/api/v1/audit-events?entityType=user&limit=2", token: admin.token)
            #expect(list.status == .ok)
            #expect(try list.json()["items"].array.count == 2)
            #expect(try list.json()["items"][0]["sequence"].intValue ?? 0 > list.json()["items"][1]["sequence"].intValue ?? 0)
        }
    }

    @Test func eachOrganizationHasItsOwnChain() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant()
            let second = try await app.makeTenant()
            _ = try await app.addMember(to: first, role: .viewer)
            let sequences = try await AuditEvent.query(on: app.db).filter(\.$organizationID == second.organizationID).sort(\.$sequence)
                .all().map(\.sequence)
            #expect(sequences == [1, 2])
            #expect(try await AuditLog.verify(organizationID: first.organizationID, on: app.db).ok)
            #expect(try await AuditLog.verify(organizationID: second.organizationID, on: app.db).ok)
        }
    }
}
