import Foundation
import Testing

@testable import App

@Suite("Configuration")
struct ConfigurationTests {
    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "mw-config-" + UUID().uuidString
    }

    @Test func defaultsSelectSQLiteInTheDataDirectoryAndGenerateASecretOnce() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": directory])
        #expect(config.database == .sqlite(path: directory + "/millwright.sqlite"))
        #expect(config.secret.count >= 32)
        #expect(config.logLevel == .info)
        let again = try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": directory])
        #expect(again.secret == config.secret)
    }

    @Test func aPostgresURLSelectsPostgreSQL() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try AppConfig.load(environment: [
            "MILLWRIGHT_DATA_DIR": directory, "DATABASE_URL": "postgres://u:p@db.internal:5432/mw",
            "MILLWRIGHT_SECRET": String(repeating: "s", count: 40), "LOG_LEVEL": "DEBUG",
        ])
        #expect(config.isPostgres)
        #expect(config.logLevel == .debug)
    }

    @Test func everyBadValueIsNamedInOneError() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(throws: ConfigurationError.self) {
            try AppConfig.load(environment: [
                "MILLWRIGHT_DATA_DIR": directory, "DATABASE_URL": "mysql://localhost/x", "LOG_LEVEL": "loud",
                "MILLWRIGHT_SECRET": "short", "MILLWRIGHT_SECURE_COOKIES": "maybe",
            ])
        }
        #expect(
            Set(error.problems.map(\.variable)) == ["DATABASE_URL", "LOG_LEVEL", "MILLWRIGHT_SECRET", "MILLWRIGHT_SECURE_COOKIES"])
        #expect(error.description.contains("DATABASE_URL"))
    }

    @Test func aDataDirectoryThatIsAFileIsRefused() throws {
        let file = Self.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let error = try #require(throws: ConfigurationError.self) { try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": file]) }
        #expect(error.problems.map(\.variable) == ["MILLWRIGHT_DATA_DIR"])
    }

    @Test func dotEnvFilesAreRead() throws {
        let path = Self.temporaryDirectory() + ".env"
        try "# comment\nLOG_LEVEL=debug\nMILLWRIGHT_SECRET=\"quoted value\"\n\nBROKEN LINE\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(DotEnv.read(path: path) == ["LOG_LEVEL": "debug", "MILLWRIGHT_SECRET": "quoted value"])
    }
}
