import Fluent
import Vapor

/// `/teams`: groups of members that work orders can be assigned to.
struct TeamController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let teams = routes.grouped("teams")
        teams.get(use: Self.list)
        teams.post(use: Self.create)
        teams.get(":teamID", use: Self.show)
        teams.patch(":teamID", use: Self.update)
        teams.delete(":teamID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Listing.respond(request, sorts: Teams.sorts, defaultSort: "name", filename: "teams") {
            try await Teams.list($0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.usersRead)
        return try await Resources.show(try await principal.find(Team.self, request.pathID("teamID"), on: request.db), for: request)
    }

    static func input(_ request: Request, creating: Bool) async throws -> (name: String?, members: [UUID]?) {
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "memberIds"])
        let name = body.string("name", required: creating, maxLength: 100)
        let members = body.references("memberIds", .member, maxCount: 500)
        try await body.validate(for: request.principal, on: request.db)
        return (name, members)
    }

    static func checkMembers(_ ids: [UUID], principal: Principal, on db: any Database) async throws -> [UUID] {
        let unique = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        let known = Set(try await principal.query(Membership.self, on: db).filter(\.$user.$id ~~ unique).all().map { $0.$user.id })
        let unknown = ids.enumerated().filter { !known.contains($0.element) }
        if !unknown.isEmpty {
            throw AppError.validation(
                unknown.map { FieldProblem(field: "memberIds[\($0.offset)]", message: "is not a member of this organization") })
        }
        return unique
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.teamsWrite)
        let (name, members) = try await input(request, creating: true)
        return try await Resources.create(request, path: "teams") { db in
            let team = Team()
            team.name = name ?? ""
            team.memberIDs = try await checkMembers(members ?? [], principal: principal, on: db)
            return team
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.teamsWrite)
        let id = try request.pathID("teamID")
        _ = try await principal.find(Team.self, id, on: request.db)
        let (name, members) = try await input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(Team.self, id, on: $0) }) { team, db in
            if let name { team.name = name }
            if let members { team.memberIDs = try await checkMembers(members, principal: principal, on: db) }
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.teamsWrite)
        let id = try request.pathID("teamID")
        return try await Resources.delete(request, load: { try await principal.find(Team.self, id, on: $0) })
    }
}
