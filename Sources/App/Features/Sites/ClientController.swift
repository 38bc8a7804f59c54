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
        if let text = request.query[String.self, at: "q"], !text.isEmpty { query.filter(\.$name ~~ text) }
        return try await Listing.respond(request, query: query, sortFields: sortFields, defaultSort: "name", filename: "clients") { $0.dto }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsRead)
        return try await Resources.show(try await principal.find(Client.self, request.pathID("clientID"), on: request.db), for: request)
    }

    struct Input: Sendable {
        var name: String??
        var email: String??
        var phone: String??
        var notes: String??

        init(_ request: Request, creating: Bool) throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: ["name", "email", "phone", "notes"])
            name = creating ? .some(body.string("name", required: true)) : body.patch("name") { $0.string("name", required: true) }
            email = body.patch("email") { $0.email("email") }
            phone = body.patch("phone") { $0.string("phone", maxLength: 40) }
            notes = body.patch("notes") { $0.string("notes", maxLength: 4000) }
            try body.validate()
        }

        func apply(to client: Client) {
            if case .some(.some(let name)) = name { client.name = name }
            if let email { client.email = email }
            if let phone { client.phone = phone }
            if let notes { client.notes = notes }
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsWrite)
        let input = try Input(request, creating: true)
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
        let input = try Input(request, creating: false)
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
