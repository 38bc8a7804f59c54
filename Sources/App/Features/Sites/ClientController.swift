import Fluent
import Vapor

/// `/clients`: the customers of a contractor or managed-service provider.
struct ClientController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let clients = routes.grouped("clients")
        clients.get(use: Self.list)
        clients.post(use: Self.create)
        clients.get(":clientID", use: Self.show)
        clients.patch(":clientID", use: Self.update)
        clients.delete(":clientID", use: Self.delete)
    }

    static let sortFields: [SortField<Client>] = [
        SortField("name", "name") { .string($0.name) },
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) },
    ]

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsRead)
        let query = principal.query(Client.self, on: request.db)
        if let text = request.queryParameter("q"), !text.isEmpty { query.filter(\.$name ~~ text) }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "name", filename: "clients") { $0.dto }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsRead)
        return try await Resources.show(try await principal.find(Client.self, request.pathID("clientID"), on: request.db), for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsWrite)
        let input = try ContactInput(request, creating: true)
        return try await Resources.create(request, path: "clients") { _ in
            let client = Client()
            input.apply(to: client)
            return client
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsWrite)
        let id = try request.pathID("clientID")
        _ = try await principal.find(Client.self, id, on: request.db)
        let input = try ContactInput(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(Client.self, id, on: $0) }) { client, _ in
            input.apply(to: client)
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.clientsWrite)
        let id = try request.pathID("clientID")
        return try await Resources.delete(request, load: { try await principal.find(Client.self, id, on: $0) }) { client, db in
            if try await Site.query(on: db).filter(\.$clientID == client.id).count() > 0 {
                throw AppError.conflict("This client still owns sites; move or delete them first.")
            }
        }
    }
}
