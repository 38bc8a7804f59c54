import Fluent
import Foundation
import Logging
import NIOCore
import NIOPosix
import Vapor

/// What `millwright` does: read the configuration, build the app, migrate, set up a first organization on an
/// empty database, then run the command (`serve` when none is given).
public enum Millwright {
    public static func main() async {
        // Async handlers run on the event loops that read the requests, not on a second pool of threads: one
        // thread hop less per request and per query answer (SwiftNIO's and Vapor's recommended set-up).
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var environment = [String: String]()
        environment.merge(DotEnv.read(path: ".env")) { $1 }
        environment.merge(ProcessInfo.processInfo.environment) { $1 }
        let config: AppConfig
        do {
            config = try AppConfig.load(environment: environment)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: config.logLevel) }

        let app: Application
        do {
            var env = try Environment.detect()
            env.arguments = env.arguments.isEmpty ? ["millwright"] : env.arguments
            app = try await Application.make(env)
        } catch {
            FileHandle.standardError.write(Data("Millwright cannot start: \(error)\n".utf8))
            exit(1)
        }
        var failed = false
        // A server on SQLite owns its data folder while it runs: `restore` (or a second server) waits for it to stop.
        var claim: DataDirectoryLock?
        do {
            try await configure(app, with: config)
            let command = app.environment.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
            if command == "serve", !config.isPostgres {
                do {
                    claim = try DataDirectoryLock.claim(config.dataDirectory)
                    app.writeGate = WriteGate(serialising: true, turns: WriterTurns(directory: config.dataDirectory, role: .server))
                } catch let taken as DataDirectoryLock.Taken {
                    throw CommandFailure("\(taken); stop it first, or start this one with another MILLWRIGHT_DATA_DIR.")
                }
            }
            if command != "migrate" {
                try await app.autoMigrate()
            }
            if command == "serve" {
                try await FirstRun.bootstrapIfEmpty(app, address: Self.serveAddress(app.environment.arguments))
                app.lifecycle.use(PMScheduler(interval: .seconds(Int64(config.pmInterval))))
                app.lifecycle.use(JobRunner())
                app.lifecycle.use(OutboxDispatcher())
                app.lifecycle.use(OutboxListener())
                let logger = app.logger
                Task.detached(priority: .utility) { KnowledgeService.warmUp(logger: logger) }
            }
            try await app.execute()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            failed = true
        }
        try? await app.asyncShutdown()
        withExtendedLifetime(claim) {}
        if failed { exit(1) }
    }

    /// Where `serve` will listen, from `--hostname`/`-H` and `--port`/`-p` (Vapor's defaults otherwise).
    static func serveAddress(_ arguments: [String]) -> String {
        func value(_ names: Set<String>) -> String? {
            guard let index = arguments.firstIndex(where: names.contains), arguments.indices.contains(index + 1) else { return nil }
            return arguments[index + 1]
        }
        return "http://\(value(["--hostname", "-H"]) ?? "127.0.0.1"):\(value(["--port", "-p"]) ?? "8080")/"
    }
}

/// On an empty database, creates an organization and its owner and prints the one-time password.
enum FirstRun {
    static let ownerEmail = "owner@millwright.local"

    static func bootstrapIfEmpty(_ app: Application, address: String) async throws {
        guard try await Organization.query(on: app.db).count() == 0 else { return }
        let passwords = app.passwordHasher
        let (organization, generated) = try await app.write { db -> (Organization, String?) in
            let organization = try await Accounts.createOrganization(name: "My Organization", context: .cli("first start", app), on: db)
            let (_, _, generated) = try await Accounts.addMember(
                .init(email: ownerEmail, name: "Owner", role: .owner, password: nil, siteIDs: nil),
                organizationID: try organization.requireID(), context: .cli("first start", app), passwordHasher: passwords, on: db)
            return (organization, generated)
        }
        FileHandle.standardOutput.write(
            Data(
                """

                ┌ Millwright: first start ─────────────────────────────────────────────
                │ Created the organization "\(organization.name)" and its owner account.
                │   e-mail:   \(ownerEmail)
                │   password: \(generated ?? "(unchanged)")
                │ This password is shown only now. Sign in at \(address)
                │ and change it (POST /api/v1/me/password).
                └──────────────────────────────────────────────────────────────────────

                """.utf8))
    }
}
