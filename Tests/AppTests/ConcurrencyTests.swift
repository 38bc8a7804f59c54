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

    /// SQLite only: a CLI command is another process with its own connections and its own write gate. Writers
    /// that took the write lock only at their first write failed with "database is locked" on both sides.
    @Test func aSecondProcessWritesBesideABurstOnSQLiteWithoutAnError() async throws {
        let directory = NSTemporaryDirectory() + "mw-writers-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestApp(configure: { $0.database = .sqlite(path: directory + "/shared.sqlite") }) { server in
            let tenant = try await server.makeTenant()
            server.writeGate = WriteGate(serialising: true, turns: WriterTurns(directory: server.config.dataDirectory, role: .server))
            // The second "process": the same file and secret, but its own connection pool and write gate.
            let cli = try await Application.make(.testing)
            try await configure(cli, with: server.config)
            let burst = 40
            let commands = 12
            async let statuses = withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<burst {
                    group.addTask {
                        try await server.send(
                            .POST, "/api/v1/users", token: tenant.token, json: ["email": "api\(index)@example.com", "role": "viewer"]
                        ).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            var failures: [String] = []
            for index in 0..<commands {
                do {
                    try await cli.run(command: [
                        "users", "create", "--org", tenant.organizationID.uuidString, "--email", "cli\(index)@example.com", "--role",
                        "viewer",
                    ])
                } catch {
                    failures.append(String(describing: error))
                }
            }
            let answered = try await statuses
            try await cli.asyncShutdown()
            #expect(failures == [])
            #expect(answered.filter { $0 != 201 } == [])
            let members = try await Membership.query(on: server.db).filter(\.$organizationID == tenant.organizationID).count()
            #expect(members == 1 + commands)
            #expect(try await Invitation.query(on: server.db).filter(\.$organizationID == tenant.organizationID).count() == burst)
            let verification = try await AuditLog.verify(organizationID: tenant.organizationID, seal: server.auditSeal, on: server.db)
            #expect(verification.ok)
        }
    }
}
