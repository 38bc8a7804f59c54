import Foundation
import Prometheus
import Vapor

/// The app's Prometheus registry. Each application owns one (no global bootstrap), so tests stay independent.
final class AppMetrics: Sendable {
    static let version = "0.1.0"

    let registry = PrometheusCollectorRegistry()
    /// Request latency buckets: an API answer is expected in milliseconds, an import may take seconds.
    private static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    let database: String

    private static var buildInfo: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "millwright", metricName: "build", unitName: "info", helpText: "Version and database of this build; always 1.")
    }
    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "http_requests", unitName: "total", helpText: "HTTP requests by method, route pattern and status.")
    }
    private static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency by method, route pattern and status.")
    }
    private static var databaseUp: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "millwright", metricName: "database", unitName: "up",
            helpText: "1 when the last readiness probe reached the database.")
    }
    private static var poolSize: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "millwright", metricName: "database_pool_max", unitName: "connections",
            helpText: "Most connections the database pool opens.")
    }
    private static var ping: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "millwright", metricName: "database_ping", unitName: "seconds",
            helpText: "Readiness probe round trip to the database.")
    }

    private static var phrasings: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "millwright", metricName: "llm_phrasings", unitName: "total",
            helpText: "Diagnoses sent to the language model, by provider and outcome (phrased, rejected, timeout, error, paused).")
    }

    init(database: String) {
        self.database = database
        registry.makeGauge(descriptor: Self.buildInfo, labels: [("version", Self.version), ("database", database)]).set(to: 1)
    }

    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: labels, buckets: Self.buckets).record(duration)
    }

    /// Records what the readiness probe saw of the database pool.
    func recordDatabase(reachable: Bool, pingDuration: Duration?, poolSize: Int) {
        let labels = [("database", database)]
        registry.makeGauge(descriptor: Self.databaseUp, labels: labels).set(to: reachable ? 1 : 0)
        registry.makeGauge(descriptor: Self.poolSize, labels: labels).set(to: Double(poolSize))
        if let pingDuration {
            registry.makeDurationHistogram(descriptor: Self.ping, labels: labels, buckets: Self.buckets).record(pingDuration)
        }
    }

    func recordPhrasing(provider: String, outcome: String) {
        registry.makeCounter(descriptor: Self.phrasings, labels: [("provider", provider), ("outcome", outcome)]).increment()
    }

    func render() -> String { registry.emitToString() }
}

/// Counts and times every request by method, route pattern (never the raw path: ids would explode the series)
/// and status.
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next.respond(to: request)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        request.application.metrics.recordRequest(
            method: request.method.rawValue, route: route, status: response.status.code, duration: clock.now - start)
        return response
    }
}
