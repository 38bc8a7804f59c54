import Vapor

/// The services the app runs with, made once by `configure` from the configuration: what handlers, operations and
/// commands reach through `app.config`, `app.writeGate`, `app.passwordHasher` and the like. Tests replace one
/// through the same accessors (`app.ocr = …`).
struct AppServices: Sendable {
    var config: AppConfig
    /// One writer at a time on SQLite; open on PostgreSQL.
    var writeGate: WriteGate
    var passwordHasher: PasswordHasher
    /// Seals secrets stored for connectors and webhooks, keyed from the server's secret.
    var secretBox: SecretBox
    var signInLimiter: AddressRateLimiter
    /// Public (QR-link) requests per client address.
    var publicRequestLimiter: AddressRateLimiter
    /// Photos added to public requests per client address.
    var publicUploadLimiter: AddressRateLimiter
    var events: DomainEventBus
    var metrics: AppMetrics
    /// Each organization's searchable knowledge.
    var knowledge: KnowledgeService
    var ocr: OCRReader
    /// The language model phrasing diagnoses, when one is configured.
    var phraser: AnswerPhraser?
    /// Access tokens whose signature was checked, so a client's next request with the same token skips it.
    var verifiedTokens = VerifiedTokens()
    /// The background job kinds this process runs (``JobRunner``); features register theirs in `configure`.
    var jobKinds = JobRegistry()
    /// What must happen for every domain event, durably (``OutboxDispatcher``); features add theirs in `configure`.
    var outboxConsumers: [OutboxConsumer] = []
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = AppServices }

    var services: AppServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("configure(_:with:) was not called") }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }

    var config: AppConfig {
        get { services.config }
        set { services.config = newValue }
    }
    var writeGate: WriteGate {
        get { services.writeGate }
        set { services.writeGate = newValue }
    }
    var passwordHasher: PasswordHasher {
        get { services.passwordHasher }
        set { services.passwordHasher = newValue }
    }
    var secretBox: SecretBox {
        get { services.secretBox }
        set { services.secretBox = newValue }
    }
    var signInLimiter: AddressRateLimiter {
        get { services.signInLimiter }
        set { services.signInLimiter = newValue }
    }
    var publicRequestLimiter: AddressRateLimiter {
        get { services.publicRequestLimiter }
        set { services.publicRequestLimiter = newValue }
    }
    var publicUploadLimiter: AddressRateLimiter {
        get { services.publicUploadLimiter }
        set { services.publicUploadLimiter = newValue }
    }
    var events: DomainEventBus {
        get { services.events }
        set { services.events = newValue }
    }
    var metrics: AppMetrics {
        get { services.metrics }
        set { services.metrics = newValue }
    }
    var knowledge: KnowledgeService {
        get { services.knowledge }
        set { services.knowledge = newValue }
    }
    var ocr: OCRReader {
        get { services.ocr }
        set { services.ocr = newValue }
    }
    var phraser: AnswerPhraser? {
        get { services.phraser }
        set { services.phraser = newValue }
    }
    var jobKinds: JobRegistry {
        get { services.jobKinds }
        set { services.jobKinds = newValue }
    }
    var outboxConsumers: [OutboxConsumer] {
        get { services.outboxConsumers }
        set { services.outboxConsumers = newValue }
    }
}
