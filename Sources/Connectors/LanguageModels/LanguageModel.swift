import Foundation

/// A chat model that writes text from a prompt: the one seam between Millwright and an LLM provider.
///
/// Implementations: ``OpenAICompatibleClient`` (OpenAI, and the local servers that speak its protocol, such as
/// Ollama and vLLM) and ``AnthropicClient``.
public protocol LanguageModel: Sendable {
    /// The protocol spoken, for logs, metrics and answers (`openai-compatible`, `anthropic`).
    var provider: String { get }
    /// The model asked, as the provider names it (`llama3.1:8b`).
    var model: String { get }
    /// One completion of `prompt`; gives up with ``LanguageModelError/timedOut`` after `timeout`.
    func complete(_ prompt: ChatPrompt, timeout: Duration) async throws -> String
}

/// One question to a chat model: the instructions and the material, in a single turn.
public struct ChatPrompt: Sendable, Equatable {
    public var system: String
    public var user: String
    public var maxTokens: Int
    /// Low: the model is to restate the material, not to be inventive.
    public var temperature: Double

    public init(system: String, user: String, maxTokens: Int = 700, temperature: Double = 0.1) {
        self.system = system
        self.user = user
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// Why a provider gave no text.
public enum LanguageModelError: Error, Equatable, CustomStringConvertible {
    /// No answer within the time allowed.
    case timedOut
    /// The provider could not be reached (refused, reset, name not found).
    case unreachable(String)
    /// The provider answered with an error status, and the message it gave.
    case status(Int, String)
    /// The answer was not the protocol's JSON.
    case malformed(String)
    /// The answer held no text.
    case empty

    public var description: String {
        switch self {
        case .timedOut: "no answer in time"
        case .unreachable(let detail): "unreachable: \(detail)"
        case .status(let code, let message): "HTTP \(code)" + (message.isEmpty ? "" : ": \(message)")
        case .malformed(let detail): "not a valid answer: \(detail)"
        case .empty: "an empty answer"
        }
    }
}
