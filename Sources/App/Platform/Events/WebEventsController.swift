import NIOCore
import Vapor

/// `GET /events`: the signed-in member's live feed (Server-Sent Events): work orders created or changed, new
/// requests, low stock, PM work generated, in their organization and sites, for what their role may read.
/// Pages listen and refresh what changed; a comment every 15 seconds keeps proxies from closing the stream.
struct WebEventsController: RouteCollection {
    static let heartbeat: Duration = .seconds(15)

    func boot(routes: any RoutesBuilder) throws {
        routes.get("events", use: Self.stream)
    }

    /// Whether the member may hear of `event`: their organization, a site they can reach, a permission to read it.
    static func visible(_ event: DomainEvent, to principal: Principal) -> Bool {
        guard event.organizationID == principal.organizationID else { return false }
        if let sites = principal.siteIDs {
            guard let site = event.data["siteId"].flatMap(UUID.init(uuidString:)), sites.contains(site) else { return false }
        }
        switch event.name {
        case .workOrderCreated, .workOrderUpdated, .workOrderStatusChanged, .workOrderAssigned, .workOrderCompleted, .pmGenerated:
            return principal.can(.workOrdersRead)
        case .stockLow: return principal.can(.partsRead)
        case .requestCreated: return principal.can(.requestsManage)
        }
    }

    /// One event as the stream sends it: its name, and the entity's id and number, nothing more.
    static func message(_ event: DomainEvent) -> String {
        var data: [String: String] = ["entityId": event.entityID.uuidString]
        if let number = event.data["number"] { data["number"] = number }
        let json = (try? JSONEncoder().encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(event.name.rawValue)\ndata: \(json)\n\n"
    }

    @Sendable static func stream(_ request: Request) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let events = request.application.events.subscribe()
        let running = request.application.running
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        response.body = .init(asyncStream: { writer in
            // Events and heartbeats through one stream, so one loop writes and stops when the browser goes away.
            let (lines, continuation) = AsyncStream<String>.makeStream()
            let forward = Task {
                for await event in events where visible(event, to: principal) { continuation.yield(message(event)) }
                continuation.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    continuation.yield(": keep-alive\n\n")
                }
            }
            // The server is stopping (SIGTERM): end the stream, or the graceful shutdown would wait for it forever.
            let stopping = Task {
                try? await running?.onStop.get()
                continuation.finish()
            }
            defer {
                forward.cancel()
                beat.cancel()
                stopping.cancel()
            }
            do {
                try await writer.write(.buffer(ByteBuffer(string: "retry: 3000\n: connected\n\n")))
                for await line in lines { try await writer.write(.buffer(ByteBuffer(string: line))) }
                try await writer.write(.end)
            } catch {
                // The browser went away; the writer must still be told the stream is over.
                try? await writer.write(.error(error))
            }
        })
        return response
    }
}
