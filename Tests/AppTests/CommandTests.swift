import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

@Suite("Command line")
struct CommandTests {
    @Test func orgsUsersAndAPIKeysCanBeCreatedFromTheCommandLine() async throws {
        try await withTestApp { app in
            try await app.run(command: ["orgs", "create", "--name", "Plant South"])
            let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Plant South").first())
            try await app.run(command: ["users", "create", "--org", "Plant South", "--email", "Tech@Example.com", "--role", "technician"])
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "tech@example.com").first())
            #expect(user.mustChangePassword)
            try await app.run(command: [
                "users", "create", "--org", organization.id!.uuidString, "--email", "boss@example.com", "--role", "owner", "--password",
                "chosen password 1",
            ])
            _ = try await app.signIn(email: "boss@example.com", password: "chosen password 1")
            try await app.run(command: [
                "api-keys", "create", "--org", "Plant South", "--name", "SCADA", "--scopes", "users:read,audit:read",
            ])
            let key = try #require(try await APIKey.query(on: app.db).filter(\.$name == "SCADA").first())
            #expect(key.scopes == ["audit:read", "users:read"])
            #expect(key.organizationID == organization.id)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$organizationID == organization.id!).sort(\.$sequence).all()
            #expect(actions.map(\.action) == ["organization.created", "member.added", "member.added", "api_key.created"])
            #expect(actions.allSatisfy { $0.actorType == "system" && $0.actorLabel.hasPrefix("cli:") })
        }
    }

    @Test func badArgumentsFailWithAMessageAndWriteNothing() async throws {
        try await withTestApp { app in
            try await app.run(command: ["orgs", "create", "--name", "Plant"])
            let before = try await User.query(on: app.db).count()
            let failure = try await #require(throws: CommandFailure.self) {
                try await app.run(command: ["users", "create", "--org", "Plant", "--email", "nope", "--role", "king"])
            }
            #expect(failure.description.contains("--email"))
            #expect(failure.description.contains("--role"))
            await #expect(throws: CommandFailure.self) {
                try await app.run(command: ["users", "create", "--org", "Nowhere", "--email", "a@b.co", "--role", "viewer"])
            }
            await #expect(throws: CommandFailure.self) {
                try await app.run(command: ["api-keys", "create", "--org", "Plant", "--name", "x", "--scopes", "everything"])
            }
            #expect(try await User.query(on: app.db).count() == before)
            #expect(try await APIKey.query(on: app.db).count() == 0)
        }
    }

    @Test func backupThenRestoreBringsBackEveryRow() async throws {
        let directory = NSTemporaryDirectory() + "mw-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestApp(configure: { $0.database = .sqlite(path: directory + "/live.sqlite") }) { app in
            let tenant = try await app.makeTenant()
            for index in 0..<5 { _ = try await app.addMember(to: tenant, role: .viewer, email: "v\(index)@example.com") }
            let snapshot = directory + "/snapshot.sqlite"
            try await app.run(command: ["backup", snapshot])
            let saved = try await Backup.rowCounts(on: app.db, schema: "main")
            #expect(saved["users"] == 6)
            #expect(saved["audit_events"] == 7)

            // Life goes on after the backup…
            _ = try await app.addMember(to: tenant, role: .admin, email: "later@example.com")
            try await app.db.sql.raw("DELETE FROM api_keys").run()
            #expect(try await User.query(on: app.db).count() == 7)

            // …and restore puts back exactly what was saved, row for row.
            try await app.run(command: ["restore", snapshot])
            let restored = try await Backup.rowCounts(on: app.db, schema: "main")
            #expect(restored.filter { $0.key != "web_sessions" } == saved.filter { $0.key != "web_sessions" })
            #expect(try await User.query(on: app.db).filter(\.$email == "later@example.com").count() == 0)
            #expect(try await AuditLog.verify(organizationID: tenant.organizationID, seal: app.auditSeal, on: app.db).ok)
            _ = try await app.signIn(email: "v3@example.com", password: "another long password")
        }
    }

    @Test func backupRefusesToOverwriteAndRestoreRefusesNonSnapshots() async throws {
        let directory = NSTemporaryDirectory() + "mw-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestApp(configure: { $0.database = .sqlite(path: directory + "/live.sqlite") }) { app in
            let existing = directory + "/exists.txt"
            _ = FileManager.default.createFile(atPath: existing, contents: Data("hello".utf8))
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["backup", existing]) }
            await #expect(throws: (any Error).self) { try await app.run(command: ["restore", existing]) }
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["restore", directory + "/missing.sqlite"]) }
        }
    }

    @Test func restoreRefusesWhileAServerHoldsTheDataFolderAndRunsOnceItStops() async throws {
        let directory = NSTemporaryDirectory() + "mw-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestApp(configure: { $0.database = .sqlite(path: directory + "/live.sqlite") }) { app in
            let tenant = try await app.makeTenant()
            let snapshot = directory + "/snapshot.sqlite"
            try await app.run(command: ["backup", snapshot])
            _ = try await app.addMember(to: tenant, role: .viewer, email: "later@example.com")

            var server: DataDirectoryLock? = try DataDirectoryLock.claim(app.config.dataDirectory)
            let failure = try await #require(throws: CommandFailure.self) { try await app.run(command: ["restore", snapshot]) }
            #expect(failure.description.contains("a Millwright server (process \(getpid()))"))
            #expect(failure.description.contains("Stop the server first"))
            #expect(try await User.query(on: app.db).filter(\.$email == "later@example.com").count() == 1)
            // A second server is refused the same way.
            #expect(throws: DataDirectoryLock.Taken.self) { try DataDirectoryLock.claim(app.config.dataDirectory) }

            withExtendedLifetime(server) {}
            server = nil
            try await app.run(command: ["restore", snapshot])
            #expect(try await User.query(on: app.db).filter(\.$email == "later@example.com").count() == 0)
        }
    }
}
