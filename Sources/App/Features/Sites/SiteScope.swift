import Fluent
import Vapor

/// The sites a principal reaches, as the scoped look-ups every feature uses (the generic site scope of site-owned
/// rows is ``Principal/siteQuery(_:on:)`` in Platform).
extension Principal {
    func findSite(_ id: UUID?, on database: any Database) async throws -> Site {
        guard let id, canAccess(siteID: id), let site = try await query(Site.self, on: database).filter(\.$id == id).first() else {
            throw AppError.notFound("No such site.")
        }
        return site
    }

    /// Throws 422 on `field` when the principal may not use `siteID` (absent or outside their sites).
    func requireSite(_ siteID: UUID, field: String, on database: any Database) async throws {
        guard canAccess(siteID: siteID), try await query(Site.self, on: database).filter(\.$id == siteID).count() > 0 else {
            throw AppError.invalid(field, "is not a site of this organization that you can reach")
        }
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let site = ReferenceKind("a site of this organization that you can reach", table: Site.schema, siteColumn: "id")
    static let client = ReferenceKind("a client of this organization", table: Client.schema)
    static let location = ReferenceKind("a location of this organization that you can reach", table: Location.schema, siteColumn: "site_id")
}
