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
            // A member invited again: refused, and nothing is written.
            let first = try await app.send(
                .POST, "/api/v1/users", token: tenant.token, json: ["email": "pat@example.com", "role": "viewer"])
            #expect(first.status == .created)
            let second = try await app.send(
                .POST, "/api/v1/users", token: tenant.token, json: ["email": tenant.ownerEmail, "role": "viewer"])
            #expect(second.status == .conflict)
            #expect(try await AuditEvent.query(on: app.db).count() == before + 1)
            #expect(try await Invitation.query(on: app.db).count() == 1)
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
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(result.ok == false)
            #expect(result.brokenAtSequence == 3)
        }
    }

    /// The newest `count` events cut off and the head moved back to match what is left, as someone with write access to
    /// the database (but not the server's secret) can do.
    static func cutOffTail(_ app: Application, _ tenant: Tenant, count: Int) async throws -> Int {
        let head = try #require(try await AuditChainHead.find(tenant.organizationID, on: app.db))
        let keep = head.sequence - count
        let last = try #require(
            try await AuditEvent.query(on: app.db).filter(\.$organizationID == tenant.organizationID).filter(\.$sequence == keep).first())
        try await app.db.sql.raw(
            "DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID) AND sequence > \(bind: keep)"
        ).run()
        try await app.db.sql.raw(
            "UPDATE audit_chain_heads SET sequence = \(bind: keep), hash = \(bind: last.hash) WHERE organization_id = \(bind: tenant.organizationID)"
        ).run()
        return keep
    }

    @Test func cuttingOffTheNewestEventsAndMovingTheHeadBackIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for index in 0..<3 { _ = try await app.addMember(to: tenant, role: .viewer, email: "t\(index)@example.com") }
            let keep = try await Self.cutOffTail(app, tenant, count: 2)
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(result.ok == false)
            #expect(result.brokenAtSequence == keep + 1)
            #expect(result.checked == keep)
            #expect(result.reason?.contains("seal") == true)
            let api = try await app.send(.GET, "/api/v1/audit-events/verify", token: tenant.token).json()
            #expect(api["ok"].boolValue == false)
            #expect(api["brokenAtSequence"].intValue == keep + 1)
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["audit", "verify"]) }
        }
    }

    @Test func aHeadSealedWithAnotherKeyOrNoneIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let head = try #require(try await AuditChainHead.find(tenant.organizationID, on: app.db))
            let forged = AuditSeal(secret: Array("someone else's secret, long enough for the key".utf8))
                .seal(organizationID: tenant.organizationID, sequence: head.sequence, hash: head.hash)
            for seal in [forged, nil] {
                try await app.db.sql.raw(
                    "UPDATE audit_chain_heads SET seal = \(bind: seal) WHERE organization_id = \(bind: tenant.organizationID)"
                ).run()
                let result = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
                #expect(result.ok == false)
                #expect(result.brokenAtSequence == head.sequence + 1)
            }
        }
    }

    @Test func deletingTheHeadOrAllEventsWithItIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.addMember(to: tenant, role: .viewer)
            try await app.db.sql.raw("DELETE FROM audit_chain_heads WHERE organization_id = \(bind: tenant.organizationID)").run()
            let headless = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(headless.ok == false)
            #expect(headless.reason?.contains("head is missing") == true)
            // Its events deleted too: nothing left to compare, and still broken.
            try await app.db.sql.raw("DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID)").run()
            let empty = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(empty.ok == false)
            #expect(empty.brokenAtSequence == 1)
            let other = try await app.makeTenant()
            #expect(try await AuditLog.verify(organizationID: other.organizationID, seal: app.auditSeal, on: app.db).ok)
        }
    }

    @Test func everyEventsInAnOrganizationDeletedButTheHeadSealedAtZeroIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            try await app.db.sql.raw("DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID)").run()
            // Even a head the server sealed at zero (it never writes one) cannot stand for an organization with a history.
            let zero = app.auditSeal.seal(organizationID: tenant.organizationID, sequence: 0, hash: AuditChain.genesisHash)
            try await app.db.sql.raw(
                "UPDATE audit_chain_heads SET sequence = 0, hash = \(bind: AuditChain.genesisHash), seal = \(bind: zero) WHERE organization_id = \(bind: tenant.organizationID)"
            ).run()
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(result.ok == false)
            #expect(result.brokenAtSequence == 1)
            #expect(result.reason?.contains("no events") == true)
        }
    }

    @Test func removingAnEventInTheMiddleIsDetected() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.addMember(to: tenant, role: .viewer)
            try await app.db.sql.raw(
                "DELETE FROM audit_events WHERE organization_id = \(bind: tenant.organizationID) AND sequence = 2"
            ).run()
            let result = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
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
            #expect(try await AuditLog.verify(organizationID: first.organizationID, seal: app.auditSeal, on: app.db).ok)
            #expect(try await AuditLog.verify(organizationID: second.organizationID, seal: app.auditSeal, on: app.db).ok)
        }
    }
}
