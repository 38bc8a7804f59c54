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

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.clientsRead)
        let name = request.queryParameter("q")
        return try await Listing.respond(request, sorts: Client.sorts, defaultSort: "name", filename: "clients") { parameters in
            try await Contacts.list(
                Client.self, read: .clientsRead, name: name, sorts: Client.sorts, parameters, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let client = try await Contacts.find(
            Client.self, request.pathID("clientID"), read: .clientsRead, principal: try request.principal, on: request.db)
        return try await Resources.show(client, for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let made = try await Contacts.create(
            Client.self, write: .clientsWrite, from: { try JSONBody(request) }, principal: try request.principal, through: request)
        return try await Resources.created(made, path: "clients", for: request)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let made = try await Contacts.update(
            Client.self, request.pathID("clientID"), write: .clientsWrite, from: { try JSONBody(request) },
            expected: ETag.expected(request),
            principal: try request.principal, through: request)
        return try await made.dto.response(version: made.version, for: request)
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
