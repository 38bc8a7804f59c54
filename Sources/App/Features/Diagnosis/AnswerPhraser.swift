import AsyncHTTPClient
import Connectors
import Diagnostics
import Foundation
import Logging
import Vapor

/// Asks the configured language model to phrase a confident diagnosis from its atoms, and gives up quietly:
/// a slow, failing or unfaithful provider leaves the plain answer, which is always there.
///
/// A circuit breaker stops calling a provider that keeps failing, so a dead server costs one timeout per
/// cooldown rather than one per diagnosis.
actor AnswerPhraser {
    let model: any LanguageModel
    let timeout: Duration
    private var breaker: CircuitBreaker
    private let metrics: AppMetrics

    init(model: any LanguageModel, timeout: Duration, breaker: CircuitBreaker, metrics: AppMetrics) {
        self.model = model
        self.timeout = timeout
        self.breaker = breaker
        self.metrics = metrics
    }

    /// The phraser `settings` describe, talking through `http`.
    static func make(_ settings: LanguageModelSettings, http: HTTPClient, metrics: AppMetrics) -> AnswerPhraser {
        let model: any LanguageModel =
            switch settings.provider {
            case .openAICompatible:
                OpenAICompatibleClient(baseURL: settings.url, model: settings.model, apiKey: settings.apiKey, http: http)
            case .anthropic: AnthropicClient(baseURL: settings.url, model: settings.model, apiKey: settings.apiKey ?? "", http: http)
            }
        return AnswerPhraser(
            model: model, timeout: settings.timeout,
            breaker: CircuitBreaker(failureThreshold: settings.failureThreshold, cooldown: settings.cooldown), metrics: metrics)
    }

    var breakerState: CircuitBreaker.State { breaker.state(at: .now) }

    /// The phrased answer, the reason there is none, or nil when the diagnosis is not one to phrase (not confident).
    func phrase(_ diagnosis: Diagnosis, logger: Logger) async -> DiagnosisRecord.Phrasing? {
        let atoms = AnswerPhrasing.atoms(for: diagnosis)
        guard !atoms.isEmpty else { return nil }
        guard breaker.permit(at: .now) else {
            return unavailable("paused", "the language model failed repeatedly and is left alone for a while")
        }
        let prompt = ChatPrompt(system: AnswerPhrasing.instructions, user: AnswerPhrasing.material(for: diagnosis, atoms: atoms))
        let text: String
        do {
            text = try await model.complete(prompt, timeout: timeout)
            breaker.recordSuccess()
        } catch {
            breaker.recordFailure(at: .now)
            let outcome = (error as? LanguageModelError) == .timedOut ? "timeout" : "error"
            logger.warning("Language model phrasing failed", metadata: ["provider": .string(model.provider), "error": "\(error)"])
            return unavailable(outcome, "the language model gave no answer: \(error)")
        }
        switch AnswerPhrasing.check(text, atoms: atoms, query: diagnosis.query) {
        case .success(let checked):
            metrics.recordPhrasing(provider: model.provider, outcome: "phrased")
            return DiagnosisRecord.Phrasing(
                status: .phrased, text: checked.text, citations: checked.citations, provider: model.provider, model: model.model,
                reason: nil)
        case .failure(let rejection):
            logger.notice("Language model answer refused", metadata: ["provider": .string(model.provider), "reason": "\(rejection)"])
            return unavailable("rejected", "the language model's answer was not shown: \(rejection)")
        }
    }

    private func unavailable(_ outcome: String, _ reason: String) -> DiagnosisRecord.Phrasing {
        metrics.recordPhrasing(provider: model.provider, outcome: outcome)
        return DiagnosisRecord.Phrasing(
            status: .unavailable, text: nil, citations: [], provider: model.provider, model: model.model, reason: reason)
    }
}
