import Fluent
import Foundation
import Vapor

/// A tenant-owned row with an optimistic-concurrency version: what the generic handlers below work on.
protocol VersionedModel: TenantModel {
    associatedtype DTO: Content
    var version: Int { get set }
    var dto: DTO { get }
    /// The entity name in audit events and messages, e.g. `asset`.
    static var entityType: String { get }
}

/// A row that belongs to one site: members limited to some sites see only those rows.
protocol SiteOwned: VersionedModel {
    var siteID: UUID { get }
    static var siteIDKey: KeyPath<Self, FieldProperty<Self, UUID>> { get }
}

/// A row that may belong to a site (a purchase order's delivery site, a low-stock alert's): members limited to
/// some sites see only the rows of those; a row of no site only members who reach every site.
protocol SiteTagged: TenantModel {
    var siteID: UUID? { get }
    static var siteIDKey: KeyPath<Self, OptionalFieldProperty<Self, UUID>> { get }
}

extension Principal {
    /// A tenant query further limited to the principal's sites.
    func siteQuery<M: SiteTagged>(_ model: M.Type, on database: any Database) -> QueryBuilder<M> {
        let query = self.query(model, on: database)
        if let siteIDs { query.filter(M.siteIDKey ~~ siteIDs) }
        return query
    }

    /// The row in this tenant and within the principal's sites, or 404.
    func findInSite<M: SiteTagged>(_ model: M.Type, _ id: UUID?, on database: any Database) async throws -> M {
        let found = try await find(model, id, on: database)
        guard siteIDs == nil || found.siteID.map(canAccess(siteID:)) == true else { throw AppError.notFound("No such \(M.resourceName).") }
        return found
    }
}

extension Principal {
    /// Whether a membership limited to some sites reaches `siteID`.
    func canAccess(siteID: UUID) -> Bool {
        siteIDs.map { $0.contains(siteID) } ?? true
    }

    /// A tenant query further limited to the principal's sites.
    func siteQuery<M: SiteOwned>(_ model: M.Type, on database: any Database) -> QueryBuilder<M> {
        let query = self.query(model, on: database)
        if let siteIDs { query.filter(M.siteIDKey ~~ siteIDs) }
        return query
    }

    /// The row in this tenant and within the principal's sites, or 404.
    func findInSite<M: SiteOwned>(_ model: M.Type, _ id: UUID?, on database: any Database) async throws -> M {
        let found = try await find(model, id, on: database)
        guard canAccess(siteID: found.siteID) else {
            throw AppError.notFound("No such \(M.entityType.replacingOccurrences(of: "_", with: " ")).")
        }
        return found
    }
}

/// The shared shape of create, read, update and delete: tenant scope, ETag/If-Match, one transaction with its
/// audit event. Controllers validate the body and say what changes; these do the rest the same way every time.
enum Resources {
    static func show<M: VersionedModel>(_ model: M, for request: Request) async throws -> Response {
        try await model.dto.response(version: model.version, for: request)
    }

    /// Creates `build()`'s row for `principal` and audits `<entity>.created`, in one transaction with `event`
    /// recorded in the outbox; publishes it once committed. Returns the row's DTO, id and version: what an
    /// operation hands back.
    static func create<M: VersionedModel>(
        principal: Principal, through request: Request, published event: (@Sendable (M.DTO, UUID) -> DomainEvent)? = nil,
        build: @escaping @Sendable (any Database) async throws -> M
    ) async throws -> (dto: M.DTO, id: UUID, version: Int) {
        let context = try request.auditContext(principal)
        let (dto, id, version, published) = try await request.write { db -> (M.DTO, UUID, Int, DomainEvent?) in
            let model = try await build(db)
            model.organizationID = principal.organizationID
            model.version = 1
            try await model.create(on: db)
            let id = try model.requireID()
            try await AuditLog.record(
                "\(M.entityType).created", entityType: M.entityType, entityID: id, after: model.dto,
                organizationID: principal.organizationID,
                context: context, on: db)
            let published = event?(model.dto, id)
            if let published { try await Outbox.record([published], on: db) }
            return (model.dto, id, model.version, published)
        }
        if let published { request.application.events.publish(published) }
        return (dto, id, version)
    }

    /// Creates `build()`'s row and audits `<entity>.created`; answers 201 with `Location`.
    static func create<M: VersionedModel>(
        _ request: Request, path: String, published event: (@Sendable (M.DTO, UUID) -> DomainEvent)? = nil,
        build: @escaping @Sendable (any Database) async throws -> M
    ) async throws -> Response {
        let made = try await create(principal: try request.principal, through: request, published: event, build: build)
        return try await created(made, path: path, for: request)
    }

    /// 201 with the new row, its `ETag` and its `Location` under `/api/v1/{path}/`.
    static func created<DTO: Content>(_ made: (dto: DTO, id: UUID, version: Int), path: String, for request: Request) async throws
        -> Response
    {
        let response = try await made.dto.response(status: .created, version: made.version, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/\(path)/\(made.id)")
        return response
    }

    /// Loads the row (`load` applies tenant and site scope), checks it is at a version `expected` names, applies
    /// the change, bumps the version and audits `<entity>.updated` with before and after, in one transaction.
    static func update<M: VersionedModel>(
        principal: Principal, expected: [String], through request: Request, load: @escaping @Sendable (any Database) async throws -> M,
        apply: @escaping @Sendable (M, any Database) async throws -> Void
    ) async throws -> (dto: M.DTO, version: Int) {
        let context = try request.auditContext(principal)
        return try await request.write { db -> (dto: M.DTO, version: Int) in
            let first = try await load(db)
            let id = try first.requireID()
            // On PostgreSQL another writer may have changed the row before the lock; on SQLite nobody could.
            let model = try await db.lockForUpdate(M.schema, id: id) ? load(db) : first
            try ETag.check(expected: expected, currentVersion: model.version)
            let before = model.dto
            try await apply(model, db)
            model.version += 1
            try await model.update(on: db)
            try await AuditLog.record(
                "\(M.entityType).updated", entityType: M.entityType, entityID: id, before: before, after: model.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return (model.dto, model.version)
        }
    }

    /// ``update(principal:expected:through:load:apply:)`` for an API request: its `If-Match`, answered with the
    /// row and its `ETag`.
    static func update<M: VersionedModel>(
        _ request: Request, load: @escaping @Sendable (any Database) async throws -> M,
        apply: @escaping @Sendable (M, any Database) async throws -> Void
    ) async throws -> Response {
        let made = try await update(
            principal: try request.principal, expected: ETag.expected(request), through: request, load: load, apply: apply)
        return try await made.dto.response(version: made.version, for: request)
    }

    /// Deletes the row after `check` (e.g. "still has children") and audits `<entity>.deleted`.
    static func delete<M: VersionedModel>(
        principal: Principal, expected: [String], through request: Request, load: @escaping @Sendable (any Database) async throws -> M,
        check: @escaping @Sendable (M, any Database) async throws -> Void = { _, _ in }
    ) async throws {
        let context = try request.auditContext(principal)
        try await request.write { db in
            let model = try await load(db)
            let id = try model.requireID()
            try await db.lockForUpdate(M.schema, id: id)
            try ETag.check(expected: expected, currentVersion: model.version)
            try await check(model, db)
            let before = model.dto
            try await model.delete(on: db)
            try await AuditLog.record(
                "\(M.entityType).deleted", entityType: M.entityType, entityID: id, before: before, organizationID: principal.organizationID,
                context: context, on: db)
        }
    }

    static func delete<M: VersionedModel>(
        _ request: Request, load: @escaping @Sendable (any Database) async throws -> M,
        check: @escaping @Sendable (M, any Database) async throws -> Void = { _, _ in }
    ) async throws -> HTTPStatus {
        try await delete(principal: try request.principal, expected: ETag.expected(request), through: request, load: load, check: check)
        return .noContent
    }
}
