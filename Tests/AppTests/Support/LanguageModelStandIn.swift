import Foundation
import NIOConcurrencyHelpers
import Vapor

@testable import App

/// A small HTTP server on loopback that speaks the two provider protocols the way the real services do:
/// OpenAI's `POST /v1/chat/completions` (which Ollama and vLLM also serve) and Anthropic's `POST /v1/messages`,
/// with their headers, bodies and error envelopes. It stands in for services the tests cannot reach.
///
/// It answers by `behaviour`: a faithful answer built from the atoms in the prompt (citing them), or a
/// misbehaving one (no citation, an invented figure, a slow reply, an error status).
final class LanguageModelStandIn: Sendable {
    enum Behaviour: Sendable {
        case faithful
        case uncited
        case inventsAFigure
        case slow(seconds: Double)
        case fails(status: Int)
    }

    /// One request as the server received it.
    struct Received: Sendable {
        var path: String
        var headers: HTTPHeaders
        var body: [String: JSONValue]
    }

    private let state = NIOLockedValueBox<(behaviour: Behaviour, received: [Received])>((.faithful, []))
    private let app: Application
    private let portBox = NIOLockedValueBox(0)

    var behaviour: Behaviour {
        get { state.withLockedValue { $0.behaviour } }
        set { state.withLockedValue { $0.behaviour = newValue } }
    }

    var received: [Received] { state.withLockedValue { $0.received } }

    /// Starts the server on a free loopback port.
    static func start() async throws -> LanguageModelStandIn {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let standIn = LanguageModelStandIn(app: app)
        app.post("v1", "chat", "completions") { try await standIn.chat($0) }
        app.post("v1", "messages") { try await standIn.messages($0) }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError) }
        standIn.portBox.withLockedValue { $0 = port }
        return standIn
    }

    private init(app: Application) { self.app = app }

    /// `http://127.0.0.1:<port>`.
    var address: String { "http://127.0.0.1:\(portBox.withLockedValue { $0 })" }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    // MARK: The protocols

    /// OpenAI chat completions: `Authorization: Bearer`, `{model, messages: [{role, content}], max_tokens}`.
    private func chat(_ request: Request) async throws -> Response {
        let body = try record(request)
        guard request.headers.bearerAuthorization?.token == "stand-in-key" else {
            return try error(401, #"{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}"#)
        }
        guard case .array(let messages)? = body["messages"], case .string? = body["model"] else {
            return try error(400, #"{"error": {"message": "model and messages are required", "type": "invalid_request_error"}}"#)
        }
        let prompt = Self.text(of: messages)
        if let failure = try await misbehave(openAI: true) { return failure }
        let reply: [String: Any] = [
            "id": "chatcmpl-standin", "object": "chat.completion", "created": 1_700_000_000, "model": "stand-in",
            "choices": [["index": 0, "message": ["role": "assistant", "content": answer(to: prompt)], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 100, "completion_tokens": 40, "total_tokens": 140],
        ]
        return try json(200, reply)
    }

    /// Anthropic Messages: `x-api-key`, `anthropic-version`, `{model, max_tokens, system, messages}`.
    private func messages(_ request: Request) async throws -> Response {
        let body = try record(request)
        guard request.headers.first(name: "x-api-key") == "stand-in-key" else {
            return try error(401, #"{"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}"#)
        }
        guard request.headers.first(name: "anthropic-version") != nil else {
            return try error(
                400, #"{"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version header is required"}}"#)
        }
        guard case .number? = body["max_tokens"], case .array(let messages)? = body["messages"] else {
            return try error(
                400, #"{"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"}}"#)
        }
        let prompt = Self.text(of: messages)
        if let failure = try await misbehave(openAI: false) { return failure }
        let reply: [String: Any] = [
            "id": "msg_standin", "type": "message", "role": "assistant", "model": "stand-in",
            "content": [["type": "text", "text": answer(to: prompt)]], "stop_reason": "end_turn",
            "usage": ["input_tokens": 100, "output_tokens": 40],
        ]
        return try json(200, reply)
    }

    /// The messages' contents, one after the other.
    private static func text(of messages: [JSONValue]) -> String {
        messages.compactMap { message -> String? in
            guard case .object(let fields) = message, case .string(let content)? = fields["content"] else { return nil }
            return content
        }.joined(separator: "\n")
    }

    private func misbehave(openAI: Bool) async throws -> Response? {
        switch behaviour {
        case .slow(let seconds):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        case .fails(let status):
            return try error(
                status,
                openAI
                    ? #"{"error": {"message": "The server had an error", "type": "server_error"}}"#
                    : #"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#)
        default: return nil
        }
    }

    /// The answer: the first atom's summary and first step, cited, as a faithful model would write them.
    private func answer(to prompt: String) -> String {
        let lines = prompt.split(separator: "\n").map(String.init)
        let ids = lines.compactMap { line -> String? in
            guard line.hasPrefix("Atom ["), line.hasSuffix("]") else { return nil }
            return String(line.dropFirst("Atom [".count).dropLast())
        }
        let summary = lines.first { $0.hasPrefix("Summary: ") }.map { String($0.dropFirst("Summary: ".count)) } ?? ""
        let step = lines.first { $0.hasPrefix("Step 1: ") }.map { String($0.dropFirst("Step 1: ".count)) } ?? "Check the drive."
        let cite = ids.first.map { " [\($0)]" } ?? ""
        switch behaviour {
        case .uncited: return "\(summary) \(step)"
        case .inventsAFigure: return "\(summary)\(cite) Set the ramp to 47.5 seconds\(cite)."
        default: return "\(summary)\(cite)\n1. \(step)\(cite)"
        }
    }

    private func record(_ request: Request) throws -> [String: JSONValue] {
        let body = try request.content.decode([String: JSONValue].self)
        state.withLockedValue { $0.received.append(Received(path: request.url.path, headers: request.headers, body: body)) }
        return body
    }

    private func json(_ status: Int, _ object: [String: Any]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object)
        return Response(
            status: HTTPResponseStatus(statusCode: status), headers: ["Content-Type": "application/json"], body: .init(data: data))
    }

    private func error(_ status: Int, _ body: String) throws -> Response {
        Response(status: HTTPResponseStatus(statusCode: status), headers: ["Content-Type": "application/json"], body: .init(string: body))
    }
}
