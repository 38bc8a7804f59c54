import Fluent
import Foundation
import SQLKit
import Vapor

/// What an id in a request body must name. Every id a body carries is read as one of these
/// (``JSONBody/reference(_:_:required:)``), and ``JSONBody/validate(for:on:)`` checks them all in one go: each must
/// name a row of the caller's organization — and, for what belongs to a site, one of the caller's sites — or the
/// request is a 422 naming the field, listed with every other problem of the body.
struct ReferenceKind: Sendable {
    /// How a problem describes what the id had to name ("an asset of this organization that you can reach").
    var noun: String
    /// Where the rows live: the table, the column the ids are checked against, and the column that limits them
    /// to the principal's sites (nil for what belongs to no site).
    var table: String
    var idColumn: String
    var siteColumn: String?

    /// Each feature names its own kinds (`ReferenceKind.asset` beside the asset model): Platform knows no table.
    init(_ noun: String, table: String, idColumn: String = "id", siteColumn: String? = nil) {
        (self.noun, self.table, self.idColumn, self.siteColumn) = (noun, table, idColumn, siteColumn)
    }

    /// Of `ids`, those that name nothing this principal may use: one query, through the principal's scope
    /// (``Principal/scoped(_:table:siteColumn:)``).
    func unknown(_ ids: Set<UUID>, principal: Principal, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let column = PlainColumn(idColumn, table: table)
        let select = try db.sql.select().column(column).from(table).where(column, .in, SQLBind.group(Array(ids)))
        let found = try await principal.scoped(select, table: table, siteColumn: siteColumn).all()
            .map { try RowReader($0).uuid(idColumn) }
        return ids.subtracting(found)
    }
}

/// One id of a body, at the field that carried it (`items[2].meterId`).
struct Reference: Sendable {
    var field: String
    var id: UUID
    var kind: ReferenceKind
}

extension JSONBody {
    /// An id that must name something of `kind`; checked by ``validate(for:on:)``.
    mutating func reference(_ key: String, _ kind: ReferenceKind, required: Bool = false) -> UUID? {
        let id = uuid(key, required: required)
        if let id { note(Reference(field: key, id: id, kind: kind)) }
        return id
    }

    /// A list of ids that must each name something of `kind`.
    mutating func references(_ key: String, _ kind: ReferenceKind, required: Bool = false, maxCount: Int = 1000) -> [UUID]? {
        let ids = uuidArray(key, required: required, maxCount: maxCount)
        for (index, id) in (ids ?? []).enumerated() { note(Reference(field: "\(key)[\(index)]", id: id, kind: kind)) }
        return ids
    }

    /// Takes in a nested object's problems and ids, their fields under `field` (`items[0]`).
    mutating func adopt(_ nested: JSONBody, at field: String) {
        for problem in nested.problems { add("\(field).\(problem.field)", problem.message) }
        for reference in nested.references {
            note(Reference(field: "\(field).\(reference.field)", id: reference.id, kind: reference.kind))
        }
    }

    /// Throws a 422 listing every problem of the body: its fields' own, and every id that names nothing the
    /// principal may use (one query per kind).
    func validate(for principal: Principal, on db: any Database) async throws {
        var problems = self.problems
        let byKind = Dictionary(grouping: references, by: { "\($0.kind.table).\($0.kind.idColumn)" })
        for group in byKind.values {
            guard let kind = group.first?.kind else { continue }
            let unknown = try await kind.unknown(Set(group.map(\.id)), principal: principal, on: db)
            for reference in group where unknown.contains(reference.id) {
                problems.append(FieldProblem(field: reference.field, message: "is not \(kind.noun)"))
            }
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
    }
}
