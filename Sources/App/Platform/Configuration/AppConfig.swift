import Foundation
import Logging

/// Everything Millwright reads from its environment, validated once at start-up.
///
/// Built by ``AppConfig/load(environment:)``; tests build one directly with ``AppConfig/testing(database:)``.
public struct AppConfig: Sendable {
    /// Where the data lives.
    public enum Database: Sendable, Equatable {
        /// A SQLite file (the embedded default).
        case sqlite(path: String)
        /// PostgreSQL; `searchPath` isolates a test in its own schema.
        case postgres(url: String, searchPath: String? = nil)
    }

    /// PostgreSQL connections per event loop (SQLite always has one).
    public static let postgresConnectionsPerEventLoop = 4

    public var database: Database
    public var dataDirectory: String
    /// Signing and encryption key material (at least 32 bytes).
    public var secret: [UInt8]
    public var logLevel: Logger.Level
    /// Lifetime of a JWT access token.
    public var accessTokenLifetime: TimeInterval = 15 * 60
    /// Lifetime of a refresh token (and of its whole family).
    public var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    /// A web session with no request for this long ends on the server (and must sign in again).
    public var sessionIdleTimeout: TimeInterval = 12 * 3600
    /// A web session ends this long after its sign-in, however busy it is.
    public var sessionLifetime: TimeInterval = 7 * 24 * 3600
    /// Failed sign-ins for one e-mail from one client address that lock that pair out.
    public var lockoutThreshold = 5
    /// How long the first lock-out of a pair lasts; each one after it, with no success between, twice as long.
    public var lockoutDuration: TimeInterval = 15 * 60
    /// The longest lock-out.
    public var lockoutLimit: TimeInterval = 24 * 3600
    /// Sign-in attempts one client address may make per window.
    public var addressAttemptLimit = 30
    public var addressWindow: TimeInterval = 5 * 60
    /// Largest request body accepted before a 413.
    public var maxBodySize = 2 * 1024 * 1024
    /// Web session cookies are marked `Secure` (set behind HTTPS).
    public var secureCookies = false
    /// bcrypt work factor: 12 takes ~250 ms on a server core, slow enough to hinder guessing a stolen hash.
    public var bcryptCost = 12
    /// The address people reach Millwright at (`https://mw.example.com`), for links printed on QR labels.
    /// When unset, links use the address of the request that makes the label.
    public var publicURL: String?
    /// Largest photo or file attached to a work order or request.
    public var maxAttachmentSize = 10 * 1024 * 1024
    /// Public (QR-link) requests one client address may submit per hour.
    public var publicRequestLimit = 10
    /// Photos one client address may add to public requests per hour (attempts with a wrong token count too).
    public var publicUploadLimit = 20
    /// Files one public request may hold, whoever holds its status token.
    public var publicAttachmentsPerRequest = 5
    /// Bytes one public request's files may add up to; no single file may be larger either.
    public var publicRequestMaxBytes = 20 * 1024 * 1024
    /// How often the server checks PM schedules for due work (seconds).
    public var pmInterval: TimeInterval = 60
    /// Timeout of outbound HTTP calls (connectors, webhooks).
    public var outboundTimeout: TimeInterval = 30
    /// The optional language model that phrases confident diagnoses; nil (the default) answers plainly.
    public var languageModel: LanguageModelSettings?

    public init(database: Database, dataDirectory: String, secret: [UInt8], logLevel: Logger.Level) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.secret = secret
        self.logLevel = logLevel
    }

    public var sqliteFilePath: String? {
        if case .sqlite(let path) = database { return path }
        return nil
    }

    public var isPostgres: Bool {
        if case .postgres = database { return true }
        return false
    }
}

/// Which language model phrases diagnoses, and how long it may take.
public struct LanguageModelSettings: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable {
        /// OpenAI's chat-completions protocol: OpenAI, Ollama, vLLM and other compatible servers.
        case openAICompatible = "openai"
        case anthropic
    }

    public var provider: Provider
    /// The API's base address: `http://localhost:11434/v1` for Ollama, `https://api.anthropic.com` for Anthropic.
    public var url: String
    public var model: String
    public var apiKey: String?
    /// A phrasing that takes longer is dropped and the plain answer given.
    public var timeout: Duration = .seconds(10)
    /// Failures in a row after which the provider is left alone for `cooldown`.
    public var failureThreshold = 3
    public var cooldown: Duration = .seconds(60)

    public init(provider: Provider, url: String, model: String, apiKey: String? = nil) {
        self.provider = provider
        self.url = url
        self.model = model
        self.apiKey = apiKey
    }

    public static func defaultURL(for provider: Provider) -> String {
        switch provider {
        case .openAICompatible: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        }
    }
}

/// A start-up configuration problem, naming every variable at fault.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var problems: [(variable: String, message: String)]

    public var description: String {
        "Millwright cannot start; fix the configuration:\n"
            + problems.map { "  \($0.variable): \($0.message)" }.joined(separator: "\n")
    }
}
