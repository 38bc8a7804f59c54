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

    @Test func theLanguageModelIsOffUnlessAProviderIsNamed() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": directory]).languageModel == nil)
        #expect(
            try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": directory, "MILLWRIGHT_LLM_PROVIDER": "off"]).languageModel == nil)
        let ollama = try #require(
            try AppConfig.load(environment: [
                "MILLWRIGHT_DATA_DIR": directory, "MILLWRIGHT_LLM_PROVIDER": "ollama", "MILLWRIGHT_LLM_URL": "http://127.0.0.1:11434/v1",
                "MILLWRIGHT_LLM_MODEL": "llama3.1:8b", "MILLWRIGHT_LLM_TIMEOUT": "2.5",
            ]).languageModel)
        #expect(ollama.provider == .openAICompatible)
        #expect(ollama.url == "http://127.0.0.1:11434/v1")
        #expect(ollama.apiKey == nil)
        #expect(ollama.timeout == .milliseconds(2500))
        let anthropic = try #require(
            try AppConfig.load(environment: [
                "MILLWRIGHT_DATA_DIR": directory, "MILLWRIGHT_LLM_PROVIDER": "anthropic", "MILLWRIGHT_LLM_MODEL": "claude-x",
                "MILLWRIGHT_LLM_API_KEY": "k",
            ]).languageModel)
        #expect(anthropic.url == "https://api.anthropic.com")
    }

    @Test func everyBadLanguageModelSettingIsNamed() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(throws: ConfigurationError.self) {
            try AppConfig.load(environment: [
                "MILLWRIGHT_DATA_DIR": directory, "MILLWRIGHT_LLM_PROVIDER": "anthropic", "MILLWRIGHT_LLM_URL": "ftp://x",
                "MILLWRIGHT_LLM_TIMEOUT": "600",
            ])
        }
        #expect(
            Set(error.problems.map(\.variable)) == [
                "MILLWRIGHT_LLM_URL", "MILLWRIGHT_LLM_MODEL", "MILLWRIGHT_LLM_API_KEY", "MILLWRIGHT_LLM_TIMEOUT",
            ])
        let unknown = try #require(throws: ConfigurationError.self) {
            try AppConfig.load(environment: ["MILLWRIGHT_DATA_DIR": directory, "MILLWRIGHT_LLM_PROVIDER": "gpt"])
        }
        #expect(unknown.problems.map(\.variable) == ["MILLWRIGHT_LLM_PROVIDER"])
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
