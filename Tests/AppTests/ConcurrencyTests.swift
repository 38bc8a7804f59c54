import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Concurrent writes")
struct ConcurrencyTests {
    @Test func manyConcurrentWritesAllSucceedAndKeepOneUnbrokenChain() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let count = 40
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<count {
                    group.addTask {
                        if index % 4 == 0 {
                            return try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["name": "Name \(index)"])
                                .status.code
                        }
                        return try await app.send(
                            .POST, "/api/v1/users", token: tenant.token, json: ["email": "worker\(index)@example.com", "role": "viewer"]
                        ).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 >= 300 } == [])
            let verification = try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db)
            #expect(verification.ok)
            #expect(verification.checked == 2 + count)
            let organization = try #require(try await Organization.find(tenant.organizationID, on: app.db))
            #expect(organization.version == 1 + count / 4)
        }
    }
}
