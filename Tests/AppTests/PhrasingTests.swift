import AsyncHTTPClient
import Connectors
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// The optional language model: both provider protocols against a local stand-in server (the real services
/// cannot be reached from here), and the diagnosis path around them: only confident answers are phrased, only
/// cited and faithful text is shown, and a slow or failing provider leaves the plain answer.
@Suite("Language-model phrasing")
struct PhrasingTests {
    static let atom = "rockwell.powerflex-520.f004"

    static func withStandIn<T>(_ test: (LanguageModelStandIn) async throws -> T) async throws -> T {
        let standIn = try await LanguageModelStandIn.start()
        do {
            let result = try await test(standIn)
            try await standIn.stop()
            return result
        } catch {
            try? await standIn.stop()
            throw error
        }
    }

    static let prompt = ChatPrompt(system: "Cite the atoms.", user: "Atom [acme.d1.f1]\nSummary: The fuse blew.\nStep 1: Replace the fuse.")

    // MARK: The clients

    @Test func theOpenAICompatibleClientSpeaksChatCompletions() async throws {
        try await Self.withStandIn { standIn in
            let client = OpenAICompatibleClient(
                baseURL: standIn.address + "/v1/", model: "llama3.1:8b", apiKey: "stand-in-key", http: .shared)
            let text = try await client.complete(Self.prompt, timeout: .seconds(5))
            #expect(text == "The fuse blew. [acme.d1.f1]\n1. Replace the fuse. [acme.d1.f1]")
            let request = try #require(standIn.received.first)
            #expect(request.path == "/v1/chat/completions")
            #expect(request.headers.bearerAuthorization?.token == "stand-in-key")
            #expect(request.body["model"] == .string("llama3.1:8b"))
            #expect(request.body["max_tokens"] == .number(700))
            #expect(
                request.body["messages"]
                    == .array([
                        .object(["role": .string("system"), "content": .string("Cite the atoms.")]),
                        .object(["role": .string("user"), "content": .string(Self.prompt.user)]),
                    ]))

            let wrongKey = OpenAICompatibleClient(baseURL: standIn.address + "/v1", model: "m", apiKey: "nope", http: .shared)
            await #expect(throws: LanguageModelError.status(401, "Incorrect API key provided")) {
                try await wrongKey.complete(Self.prompt, timeout: .seconds(5))
            }
        }
    }

    @Test func theAnthropicClientSpeaksMessages() async throws {
        try await Self.withStandIn { standIn in
            let client = AnthropicClient(baseURL: standIn.address, model: "claude-test", apiKey: "stand-in-key", http: .shared)
            let text = try await client.complete(Self.prompt, timeout: .seconds(5))
            #expect(text.hasPrefix("The fuse blew. [acme.d1.f1]"))
            let request = try #require(standIn.received.first)
            #expect(request.path == "/v1/messages")
            #expect(request.headers.first(name: "x-api-key") == "stand-in-key")
            #expect(request.headers.first(name: "anthropic-version") == AnthropicClient.apiVersion)
            #expect(request.body["system"] == .string("Cite the atoms."))
            #expect(request.body["messages"] == .array([.object(["role": .string("user"), "content": .string(Self.prompt.user)])]))

            standIn.behaviour = .fails(status: 529)
            await #expect(throws: LanguageModelError.status(529, "Overloaded")) {
                try await client.complete(Self.prompt, timeout: .seconds(5))
            }
        }
    }

    @Test func aSlowProviderTimesOutAndADeadOneIsUnreachable() async throws {
        try await Self.withStandIn { standIn in
            standIn.behaviour = .slow(seconds: 5)
            let client = OpenAICompatibleClient(baseURL: standIn.address + "/v1", model: "m", apiKey: "stand-in-key", http: .shared)
            // Timed out, not answered: the reply would have come after 5 s. (No stopwatch: how long the cut-off takes on
            // a loaded machine is not what this test is about.)
            await #expect(throws: LanguageModelError.timedOut) {
                try await client.complete(Self.prompt, timeout: .milliseconds(300))
            }
        }
        // Nothing listens on port 9 of loopback. The HTTP client retries a refused connection until the time is up,
        // so a dead server costs the timeout (and the breaker then stops the calls).
        let dead = OpenAICompatibleClient(baseURL: "http://127.0.0.1:9/v1", model: "m", apiKey: nil, http: .shared)
        let started = ContinuousClock.now
        do {
            _ = try await dead.complete(Self.prompt, timeout: .milliseconds(500))
            Issue.record("a closed port answered")
        } catch let error as LanguageModelError {
            switch error {
            case .timedOut, .unreachable: break
            default: Issue.record("expected no connection, got \(error)")
            }
        }
        // Bounded by the call's own timeout, not the HTTP client's 10-second connect timeout. The margin is wide: two
        // busy cores have stretched the half second to four.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    // MARK: Diagnoses

    /// `timeout`: a prompt stand-in answers in milliseconds, but a loaded machine (the full suite on two cores) can
    /// stretch that past half a second; only the test of the timeout itself uses a short one.
    static func configure(
        _ standIn: LanguageModelStandIn, provider: LanguageModelSettings.Provider = .openAICompatible, timeout: Duration = .seconds(5)
    ) -> (inout AppConfig) -> Void {
        { config in
            var settings = LanguageModelSettings(
                provider: provider, url: standIn.address + (provider == .anthropic ? "" : "/v1"), model: "stand-in",
                apiKey: "stand-in-key")
            settings.timeout = timeout
            settings.failureThreshold = 2
            config.languageModel = settings
        }
    }

    @Test(arguments: [LanguageModelSettings.Provider.openAICompatible, .anthropic])
    func aConfidentDiagnosisIsPhrasedFromItsAtomsWithCitationsAndKept(provider: LanguageModelSettings.Provider) async throws {
        try await Self.withStandIn { standIn in
            try await withTestApp(configure: Self.configure(standIn, provider: provider)) { app in
                let tenant = try await app.makeTenant()
                let response = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                #expect(response.status == .created)
                let body = try response.json()
                #expect(body["candidates"][0]["atomId"].stringValue == Self.atom)
                let phrasing = body["phrasing"]
                #expect(phrasing["status"].stringValue == "phrased")
                #expect(phrasing["citations"].array.map(\.stringValue) == [Self.atom])
                #expect((phrasing["text"].stringValue ?? "").contains("[\(Self.atom)]"))
                #expect(phrasing["provider"].stringValue == (provider == .anthropic ? "anthropic" : "openai-compatible"))
                // The model was given the retrieved atom, in full, and nothing else to go on.
                let sent = try #require(standIn.received.first)
                let messages = sent.body["messages"].map { "\($0)" } ?? ""
                #expect(messages.contains("Atom [\(Self.atom)]"))
                #expect(messages.contains("Safety note:"))

                let stored = try await app.send(.GET, "/api/v1/diagnoses/\(try body["id"].uuid())", token: tenant.token).json()
                #expect(stored["phrasing"]["text"].stringValue == phrasing["text"].stringValue)
            }
        }
    }

    @Test func anAnswerThatIsNotConfidentIsNeverSentToTheModel() async throws {
        try await Self.withStandIn { standIn in
            try await withTestApp(configure: Self.configure(standIn)) { app in
                let tenant = try await app.makeTenant()
                let body = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F099"])
                    .json()
                #expect(body["confident"].boolValue == false)
                #expect(body["phrasing"].isNull)
                #expect(standIn.received.isEmpty)
            }
        }
    }

    @Test func uncitedOrInventedTextIsNotShownAndThePlainAnswerStands() async throws {
        try await Self.withStandIn { standIn in
            try await withTestApp(configure: Self.configure(standIn)) { app in
                let tenant = try await app.makeTenant()
                standIn.behaviour = .uncited
                let uncited = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                    .json()
                #expect(uncited["phrasing"]["status"].stringValue == "unavailable")
                #expect(uncited["phrasing"]["text"].isNull)
                #expect((uncited["phrasing"]["reason"].stringValue ?? "").contains("cited no atom"))
                #expect(uncited["candidates"][0]["atomId"].stringValue == Self.atom)

                standIn.behaviour = .inventsAFigure
                let invented = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                    .json()
                #expect(invented["phrasing"]["status"].stringValue == "unavailable")
                #expect((invented["phrasing"]["reason"].stringValue ?? "").contains("47.5"))
            }
        }
    }

    @Test func aSlowThenFailingProviderFallsBackAndIsPausedByTheBreaker() async throws {
        try await Self.withStandIn { standIn in
            // 2 s: short beside the slow provider's 6 s, long enough that the failing provider's immediate 500 is
            // not a timeout too on a loaded machine (at 0.5 s it was, while the PostgreSQL suite ran in parallel).
            try await withTestApp(configure: Self.configure(standIn, timeout: .seconds(2))) { app in
                let tenant = try await app.makeTenant()
                // The provider would take 6 s; the 2 s timeout gives up first, and the answer says so.
                standIn.behaviour = .slow(seconds: 6)
                let slow = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                #expect(slow.status == .created)
                let slowBody = try slow.json()
                #expect(slowBody["phrasing"]["status"].stringValue == "unavailable")
                #expect((slowBody["phrasing"]["reason"].stringValue ?? "").contains("no answer in time"))
                #expect(slowBody["confident"].boolValue == true)

                standIn.behaviour = .fails(status: 500)
                let failed = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F005"])
                    .json()
                #expect((failed["phrasing"]["reason"].stringValue ?? "").contains("HTTP 500"))
                let calls = standIn.received.count
                #expect(calls == 2)

                // Two failures in a row: the breaker is open and the provider is not called again for now.
                standIn.behaviour = .faithful
                let paused = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                    .json()
                #expect((paused["phrasing"]["reason"].stringValue ?? "").contains("left alone"))
                #expect(standIn.received.count == calls)
                #expect(try await app.phraser?.breakerState == .open)
                let metrics = app.metrics.render()
                #expect(metrics.contains(#"millwright_llm_phrasings_total{provider="openai-compatible",outcome="paused"} 1"#))
                #expect(metrics.contains(#"millwright_llm_phrasings_total{provider="openai-compatible",outcome="timeout"} 1"#))
            }
        }
    }
}
