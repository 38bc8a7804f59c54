import AsyncHTTPClient
import Foundation

/// A client of the OpenAI chat-completions protocol (`POST {baseURL}/chat/completions`), which OpenAI's API and
/// local servers such as Ollama (`http://localhost:11434/v1`) and vLLM (`http://localhost:8000/v1`) speak.
public struct OpenAICompatibleClient: LanguageModel {
    public var provider: String { "openai-compatible" }
    /// The API's base, with its version path: `https://api.openai.com/v1`.
    public var baseURL: String
    public var model: String
    /// Sent as a bearer token; local servers usually need none.
    public var apiKey: String?
    let http: HTTPClient

    public init(baseURL: String, model: String, apiKey: String?, http: HTTPClient) {
        self.baseURL = ProviderHTTP.trimmingSlash(baseURL)
        self.model = model
        self.apiKey = apiKey
        self.http = http
    }

    struct Request: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var temperature: Double
        var stream = false
    }

    struct Reply: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
        }
        var choices: [Choice]
    }

    public func complete(_ prompt: ChatPrompt, timeout: Duration) async throws -> String {
        let body = Request(
            model: model, messages: [.init(role: "system", content: prompt.system), .init(role: "user", content: prompt.user)],
            max_tokens: prompt.maxTokens, temperature: prompt.temperature)
        let headers = apiKey.map { [("Authorization", "Bearer \($0)")] } ?? []
        let reply = try await ProviderHTTP.post(
            http, url: baseURL + "/chat/completions", headers: headers, body: body, timeout: timeout, as: Reply.self)
        let text = (reply.choices.first?.message?.content ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw LanguageModelError.empty }
        return text
    }
}
