import AsyncHTTPClient
import Foundation

/// A client of Anthropic's Messages API (`POST {baseURL}/v1/messages`, `x-api-key`, `anthropic-version`).
public struct AnthropicClient: LanguageModel {
    public var provider: String { "anthropic" }
    /// `https://api.anthropic.com`, without the version path.
    public var baseURL: String
    public var model: String
    public var apiKey: String
    let http: HTTPClient

    /// The API version this client speaks.
    public static let apiVersion = "2023-06-01"
    public static let defaultBaseURL = "https://api.anthropic.com"

    public init(baseURL: String = defaultBaseURL, model: String, apiKey: String, http: HTTPClient) {
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
        var max_tokens: Int
        var system: String
        var messages: [Message]
        var temperature: Double
    }

    struct Reply: Decodable {
        struct Block: Decodable {
            var type: String
            var text: String?
        }
        var content: [Block]
    }

    public func complete(_ prompt: ChatPrompt, timeout: Duration) async throws -> String {
        let body = Request(
            model: model, max_tokens: prompt.maxTokens, system: prompt.system, messages: [.init(role: "user", content: prompt.user)],
            temperature: prompt.temperature)
        let headers = [("x-api-key", apiKey), ("anthropic-version", Self.apiVersion)]
        let reply = try await ProviderHTTP.post(
            http, url: baseURL + "/v1/messages", headers: headers, body: body, timeout: timeout, as: Reply.self)
        let text = reply.content.filter { $0.type == "text" }.compactMap(\.text).joined()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw LanguageModelError.empty }
        return text
    }
}
