import Fluent
import Vapor

/// The places where assets are: the operations the API's `/sites` routes and the sites page share.
enum Sites {
    static func find(_ id: UUID, principal: Principal, on db: any Database) async throws -> Site {
        try principal.require(.sitesRead)
        return try await principal.findSite(id, on: db)
    }

    /// The writable fields: `name`, `address`, `timeZone`, `clientId`; absent ones are left alone.
    struct Input: Sendable {
        var name: String??
        var address: String??
        var timeZone: String??
        var clientID: UUID??

        init(reading body: inout JSONBody, creating: Bool) {
            body.rejectUnknown(allowed: ["name", "address", "timeZone", "clientId"])
            name = creating ? .some(body.string("name", required: true)) : body.patch("name") { $0.string("name", required: true) }
            address = body.patch("address") { $0.string("address", maxLength: 500) }
            timeZone = body.patch("timeZone") { $0.timeZone("timeZone", required: true) }
            clientID = body.patch("clientId") { $0.reference("clientId", .client) }
        }

        func apply(to site: Site, principal: Principal, on db: any Database) async throws {
            if case .some(.some(let name)) = name { site.name = name }
            if let address { site.address = address }
            if case .some(.some(let timeZone)) = timeZone { site.timeZone = timeZone }
            if let clientID {
                if let id = clientID, try await principal.query(Client.self, on: db).filter(\.$id == id).count() == 0 {
                    throw AppError.invalid("clientId", "is not a client of this organization")
                }
                site.clientID = clientID
            }
        }
    }

    /// A new site. Only members who reach every site make sites.
    static func create(
        from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: Site.DTO, id: UUID, version: Int) {
        try principal.require(.sitesWrite)
        guard principal.siteIDs == nil else {
            throw AppError.forbidden("Your membership is limited to some sites, so you cannot create new ones.")
        }
        var body = try body()
        let input = Input(reading: &body, creating: true)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.create(principal: principal, through: request) { db in
            let site = Site()
            site.timeZone = "UTC"
            try await input.apply(to: site, principal: principal, on: db)
            return site
        }
    }

    static func update(
        _ id: UUID, from body: () throws -> JSONBody, expected: [String], principal: Principal, through request: Request
    ) async throws -> (dto: Site.DTO, version: Int) {
        try principal.require(.sitesWrite)
        _ = try await principal.findSite(id, on: request.db)
        var body = try body()
        let input = Input(reading: &body, creating: false)
        try await body.validate(for: principal, on: request.db)
        return try await Resources.update(
            principal: principal, expected: expected, through: request, load: { try await principal.findSite(id, on: $0) }
        ) { site, db in
            try await input.apply(to: site, principal: principal, on: db)
        }
    }

    /// Deletes an empty site: one with assets or locations is refused.
    static func delete(_ id: UUID, expected: [String], principal: Principal, through request: Request) async throws {
        try principal.require(.sitesWrite)
        try await Resources.delete(
            principal: principal, expected: expected, through: request, load: { try await principal.findSite(id, on: $0) }
        ) { _, db in
            let assets = try await Asset.query(on: db).filter(\.$siteID == id).count()
            let locations = try await Location.query(on: db).filter(\.$siteID == id).count()
            if assets + locations > 0 {
                throw AppError.conflict("This site still has \(assets) assets and \(locations) locations; move or delete them first.")
            }
        }
    }
}
