import Crypto
import Foundation
import Logging

extension AppConfig {
    /// Reads and validates the configuration from environment variables.
    ///
    /// - `DATABASE_URL`: `postgres://…` or `postgresql://…` selects PostgreSQL; absent selects SQLite.
    /// - `MILLWRIGHT_DATA_DIR`: data directory (default `./.millwright`), created when missing.
    /// - `MILLWRIGHT_SECRET`: at least 32 characters; generated into the data directory when absent.
    /// - `LOG_LEVEL`: trace, debug, info, notice, warning, error or critical (default info).
    /// - `MILLWRIGHT_SECURE_COOKIES`: `true` behind HTTPS.
    /// - `MILLWRIGHT_PUBLIC_URL`: the address printed in QR-label links (default: the address of the request).
    /// - `MILLWRIGHT_LLM_PROVIDER`: `openai` (any OpenAI-compatible server: OpenAI, Ollama, vLLM) or `anthropic`
    ///   turns on phrased diagnoses; unset or `off` (the default) answers plainly. With it: `MILLWRIGHT_LLM_MODEL`
    ///   (required), `MILLWRIGHT_LLM_URL` (the API's base; default OpenAI's or Anthropic's), `MILLWRIGHT_LLM_API_KEY`
    ///   (required for Anthropic), `MILLWRIGHT_LLM_TIMEOUT` (seconds, default 10).
    public static func load(environment: [String: String]) throws -> AppConfig {
        var problems: [(String, String)] = []
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }

        let dataDirectory = value("MILLWRIGHT_DATA_DIR") ?? "./.millwright"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isDirectory), !isDirectory.boolValue {
            problems.append(("MILLWRIGHT_DATA_DIR", "\(dataDirectory) exists and is not a directory"))
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                problems.append(("MILLWRIGHT_DATA_DIR", "cannot create \(dataDirectory): \(error.localizedDescription)"))
            }
        }

        var database = Database.sqlite(path: (dataDirectory as NSString).appendingPathComponent("millwright.sqlite"))
        if let url = value("DATABASE_URL") {
            if let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
                components.host?.isEmpty == false
            {
                database = .postgres(url: url)
            } else {
                problems.append(("DATABASE_URL", "must be a postgres:// URL with a host, or unset for SQLite"))
            }
        }

        var logLevel = Logger.Level.info
        if let raw = value("LOG_LEVEL") {
            if let level = Logger.Level(rawValue: raw.lowercased()) {
                logLevel = level
            } else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append(("LOG_LEVEL", "'\(raw)' is not one of \(names)"))
            }
        }

        var secureCookies = false
        if let raw = value("MILLWRIGHT_SECURE_COOKIES") {
            switch raw.lowercased() {
            case "1", "true", "yes": secureCookies = true
            case "0", "false", "no": secureCookies = false
            default: problems.append(("MILLWRIGHT_SECURE_COOKIES", "must be true or false"))
            }
        }

        var publicURL: String?
        if let raw = value("MILLWRIGHT_PUBLIC_URL") {
            if let url = URLComponents(string: raw), ["http", "https"].contains(url.scheme), url.host?.isEmpty == false {
                publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            } else {
                problems.append(("MILLWRIGHT_PUBLIC_URL", "must be an http:// or https:// URL such as https://mw.example.com"))
            }
        }

        let languageModel = languageModelSettings(value, problems: &problems)

        var secret: [UInt8] = []
        if let raw = value("MILLWRIGHT_SECRET") {
            if raw.utf8.count < 32 {
                problems.append(("MILLWRIGHT_SECRET", "must be at least 32 characters (e.g. `openssl rand -base64 48`)"))
            } else {
                secret = Array(raw.utf8)
            }
        } else if problems.isEmpty {
            do {
                secret = try loadOrCreateSecret(in: dataDirectory)
            } catch {
                problems.append(("MILLWRIGHT_SECRET", "unset, and no secret could be stored in \(dataDirectory): \(error)"))
            }
        }

        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        var config = AppConfig(database: database, dataDirectory: dataDirectory, secret: secret, logLevel: logLevel)
        config.secureCookies = secureCookies
        config.publicURL = publicURL
        config.languageModel = languageModel
        return config
    }

    /// The `MILLWRIGHT_LLM_*` variables, or nil when phrasing is off.
    static func languageModelSettings(_ value: (String) -> String?, problems: inout [(String, String)]) -> LanguageModelSettings? {
        guard let raw = value("MILLWRIGHT_LLM_PROVIDER"), raw.lowercased() != "off" else { return nil }
        let provider: LanguageModelSettings.Provider
        switch raw.lowercased() {
        case "openai", "openai-compatible", "ollama", "vllm": provider = .openAICompatible
        case "anthropic": provider = .anthropic
        default:
            problems.append(("MILLWRIGHT_LLM_PROVIDER", "'\(raw)' is not one of openai (also Ollama, vLLM), anthropic, off"))
            return nil
        }
        let count = problems.count
        let url = value("MILLWRIGHT_LLM_URL") ?? LanguageModelSettings.defaultURL(for: provider)
        let components = URLComponents(string: url)
        if !["http", "https"].contains(components?.scheme) || components?.host?.isEmpty != false {
            problems.append(("MILLWRIGHT_LLM_URL", "must be an http:// or https:// URL such as http://localhost:11434/v1"))
        }
        let model = value("MILLWRIGHT_LLM_MODEL")
        if model == nil { problems.append(("MILLWRIGHT_LLM_MODEL", "is required when MILLWRIGHT_LLM_PROVIDER is set")) }
        let apiKey = value("MILLWRIGHT_LLM_API_KEY")
        if provider == .anthropic, apiKey == nil {
            problems.append(("MILLWRIGHT_LLM_API_KEY", "is required for the anthropic provider"))
        }
        var timeout = Duration.seconds(10)
        if let rawTimeout = value("MILLWRIGHT_LLM_TIMEOUT") {
            if let seconds = Double(rawTimeout), seconds >= 0.5, seconds <= 120 {
                timeout = .milliseconds(Int(seconds * 1000))
            } else {
                problems.append(("MILLWRIGHT_LLM_TIMEOUT", "must be a number of seconds from 0.5 to 120"))
            }
        }
        guard problems.count == count, let model else { return nil }
        var settings = LanguageModelSettings(provider: provider, url: url, model: model, apiKey: apiKey)
        settings.timeout = timeout
        return settings
    }

    /// The secret kept in `<data dir>/secret` (mode 0600), created on first start.
    static func loadOrCreateSecret(in directory: String) throws -> [UInt8] {
        let path = (directory as NSString).appendingPathComponent("secret")
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 {
            return Array(existing)
        }
        let generated = Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString().utf8)
        guard FileManager.default.createFile(atPath: path, contents: Data(generated), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return generated
    }

    /// A configuration for tests: short lifetimes stay as in production, the database is the caller's.
    /// By default SQLite in a file of the test's own data directory, removed with it.
    public static func testing(database: Database? = nil) -> AppConfig {
        let dataDirectory = NSTemporaryDirectory() + "millwright-test-" + UUID().uuidString
        var config = AppConfig(
            database: database ?? .sqlite(path: dataDirectory + "/test.sqlite"),
            dataDirectory: dataDirectory,
            secret: Array("test-secret-that-is-long-enough-for-hmac-and-aes".utf8),
            logLevel: .warning
        )
        // The lowest cost bcrypt allows: the hashing is the same, tests just do not pay for brute-force resistance.
        config.bcryptCost = 4
        return config
    }
}

/// Reads a `.env` file of `KEY=VALUE` lines (comments and blank lines skipped, optional quotes removed).
public enum DotEnv {
    public static func read(path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
