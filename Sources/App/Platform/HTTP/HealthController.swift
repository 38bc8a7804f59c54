import Fluent
import SQLKit
import Vapor

/// `/health` (the process answers), `/ready` (the database answers and is migrated), `/metrics` (Prometheus).
struct HealthController: RouteCollection {
    struct Readiness: Content {
        var status: String
        var database: String
        var pendingMigrations: [String]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: Self.health)
        routes.get("ready", use: Self.ready)
        routes.get("metrics", use: Self.metrics)
    }

    @Sendable static func health(_ request: Request) async throws -> [String: String] {
        ["status": "ok"]
    }

    @Sendable static func ready(_ request: Request) async throws -> Response {
        let app = request.application
        let clock = ContinuousClock()
        let start = clock.now
        var database = "ok"
        var pending: [String] = []
        do {
            try await request.db.sql.raw("SELECT 1").run()
            pending = try await app.migrator.previewPrepareBatch().get().map { $0.0.name }
        } catch {
            request.logger.warning("Readiness: database unreachable: \(String(reflecting: error))")
            database = "unreachable"
        }
        app.metrics.recordDatabase(
            reachable: database == "ok", pingDuration: database == "ok" ? clock.now - start : nil,
            poolSize: (app.config.isPostgres ? AppConfig.postgresConnectionsPerEventLoop : 1) * System.coreCount)
        let ready = database == "ok" && pending.isEmpty
        let body = Readiness(status: ready ? "ready" : "not ready", database: database, pendingMigrations: pending)
        return try await body.encodeResponse(status: ready ? .ok : .serviceUnavailable, for: request)
    }

    @Sendable static func metrics(_ request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: request.application.metrics.render()))
    }
}
