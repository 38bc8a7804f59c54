import Crypto
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JWT
import Leaf
import LeafKit
import NIOSSL
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Builds the application from a validated configuration: databases, middleware, auth, routes, commands.
/// Tests call this with ``AppConfig/testing(database:)``; `millwright` calls it with the environment's.
public func configure(_ app: Application, with config: AppConfig) async throws {
    app.logger.logLevel = config.logLevel
    // Everything the server writes — the SQLite file and its journal, attachments, backups — is its own alone: the
    // data holds password hashes, secrets and people's photos.
    umask(0o077)
    try FileManager.default.createDirectory(
        atPath: config.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

    // Under a burst of writes to one organization (they queue on its audit chain), a request may wait for a
    // connection a while; past this it is answered 503 with Retry-After rather than left hanging.
    let poolTimeout = TimeAmount.seconds(30)
    let writeGate: WriteGate
    switch config.database {
    case .sqlite(let path):
        // Plain reads run on the request's thread (SQLiteReaders); writes and transactions on Fluent's pool.
        let pooled = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: poolTimeout).make()
        app.databases.use(ReadingSQLiteConfiguration(base: pooled, readers: SQLiteReaders(path: path)), as: .sqlite)
        // Every process is a visitor until `serve` claims the data folder (Entrypoint).
        writeGate = WriteGate(serialising: true, turns: WriterTurns(directory: config.dataDirectory, role: .visitor))
    case .postgres(let url, let searchPath):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        app.databases.use(
            .postgres(
                configuration: postgres, maxConnectionsPerEventLoop: AppConfig.postgresConnectionsPerEventLoop,
                connectionPoolTimeout: poolTimeout), as: .psql)
        writeGate = WriteGate(serialising: false)
    }
    let metrics = AppMetrics(database: config.isPostgres ? "postgresql" : "sqlite")
    app.services = AppServices(
        config: config, writeGate: writeGate,
        passwordHasher: try PasswordHasher(cost: config.bcryptCost, threadPool: app.threadPool),
        secretBox: SecretBox(secret: config.secret),
        signInLimiter: AddressRateLimiter(limit: config.addressAttemptLimit, window: config.addressWindow),
        publicRequestLimiter: AddressRateLimiter(limit: config.publicRequestLimit, window: 3600),
        publicUploadLimiter: AddressRateLimiter(limit: config.publicUploadLimit, window: 3600),
        events: DomainEventBus(), metrics: metrics, knowledge: KnowledgeService(),
        // Looked up once: a photo request should not search PATH.
        ocr: .onPath,
        phraser: config.languageModel.map { AnswerPhraser.make($0, http: app.http.client.shared, metrics: metrics) })
    if case .sqlite = config.database {
        // WAL lets readers run beside the writer; the setting is stored in the file, so once is enough. The
        // per-connection settings are applied as each connection first writes (SQLiteWriterSettings).
        try await app.db.sql.raw("PRAGMA journal_mode = WAL").run()
    }
    app.registerMigrations()
    app.databases.middleware.use(WorkOrderPriorityRank())

    ContentConfiguration.global.use(encoder: StreamingJSONEncoder(), for: .json)
    ContentConfiguration.global.use(decoder: JSONDecoder.api, for: .json)

    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodySize)
    app.http.client.configuration.timeout = .init(
        connect: .seconds(10), read: .seconds(Int64(config.outboundTimeout)))

    app.sessions.use { _ in WebSessionStore() }
    app.sessions.configuration.cookieName = "millwright-session"
    let secure = config.secureCookies
    app.sessions.configuration.cookieFactory = { sessionID in
        HTTPCookies.Value(
            string: sessionID.string, expires: nil, maxAge: nil, domain: nil, path: "/", isSecure: secure, isHTTPOnly: true,
            sameSite: .lax)
    }

    let signingKey = HKDF<SHA256>.deriveKey(
        inputKeyMaterial: SymmetricKey(data: config.secret), info: Data("millwright access tokens".utf8), outputByteCount: 32)
    await app.jwt.keys.add(hmac: HMACKey(key: signingKey), digestAlgorithm: .sha256)

    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(MetricsMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(BodyLimitMiddleware(limit: config.maxBodySize, uploadLimit: config.maxAttachmentSize))

    // Pages: Leaf views and the static files they use, both shipped in the app's resources.
    let resources = Application.resourcesDirectory
    // Leaf's own provider turns the template cache off in the development environment, which is what `serve`
    // runs in unless told otherwise, so every page would lex and parse its templates again. The templates are
    // resources copied in at build time, not files edited under a running server: a release build caches them
    // whatever the environment; a debug build reads them fresh.
    app.views.use { app in
        LeafRenderer(
            configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache, sources: app.leaf.sources,
            eventLoop: app.eventLoopGroup.next(), userInfo: ["application": app])
    }
    app.leaf.sources = .singleSource(
        NIOLeafFiles(
            // Not `.toVisibleFiles`: the bundle may sit under a hidden folder (`.build/`); the sandbox still holds.
            fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: resources + "Views/",
            viewDirectory: resources + "Views/"))
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.middleware.use(FileMiddleware(publicDirectory: resources + "Public/", defaultFile: nil))

    try routes(app)
    app.registerCommands()
}

extension Application {
    /// The folder of the app's bundled resources (views, static files, the OpenAPI document), ending in `/`.
    static var resourcesDirectory: String {
        let folder =
            Bundle.module.url(forResource: "Resources", withExtension: nil)
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Resources")
        return folder.path + "/"
    }
}

extension JSONDecoder {
    /// The API's decoder: ISO 8601 dates.
    static var api: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
