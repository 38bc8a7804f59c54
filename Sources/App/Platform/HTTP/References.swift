import Fluent
import Foundation
import SQLKit
import Vapor

/// What an id in a request body must name. Every id a body carries is read as one of these
/// (``JSONBody/reference(_:_:required:)``), and ``JSONBody/validate(for:on:)`` checks them all in one go: each must
/// name a row of the caller's organization — and, for what belongs to a site, one of the caller's sites — or the
/// request is a 422 naming the field, listed with every other problem of the body.
enum ReferenceKind: Sendable {
    case site, client, location, asset, meter, team, member, failureCode, stockLevel, checklistTemplate, vendor, part
    case purchaseOrderLine

    /// How a problem describes what the id had to name.
    var noun: String {
        switch self {
        case .site: "a site of this organization that you can reach"
        case .client: "a client of this organization"
        case .location: "a location of this organization that you can reach"
        case .asset: "an asset of this organization that you can reach"
        case .meter: "a meter of this organization"
        case .team: "a team of this organization"
        case .member: "a member of this organization"
        case .failureCode: "a failure code of this organization"
        case .stockLevel: "a stock level of this organization"
        case .checklistTemplate: "a checklist template of this organization"
        case .vendor: "a vendor of this organization"
        case .part: "a part of this organization"
        case .purchaseOrderLine: "a line of this organization's purchase orders"
        }
    }

    /// Where the rows live: the table, the column the ids are checked against, and the column that limits them
    /// to the principal's sites (nil for what belongs to no site).
    private var rows: (table: String, id: String, site: String?) {
        switch self {
        case .site: (Site.schema, "id", "id")
        case .client: (Client.schema, "id", nil)
        case .location: (Location.schema, "id", "site_id")
        case .asset: (Asset.schema, "id", "site_id")
        case .meter: (Meter.schema, "id", nil)
        case .team: (Team.schema, "id", nil)
        case .member: (Membership.schema, "user_id", nil)
        case .failureCode: (FailureCode.schema, "id", nil)
        case .stockLevel: (StockLevel.schema, "id", nil)
        case .checklistTemplate: (ChecklistTemplate.schema, "id", nil)
        case .vendor: (Vendor.schema, "id", nil)
        case .part: (Part.schema, "id", nil)
        case .purchaseOrderLine: (PurchaseOrderLine.schema, "id", nil)
        }
    }

    /// Of `ids`, those that name nothing this principal may use: one query, through the principal's scope
    /// (``Principal/scoped(_:table:siteColumn:)``).
    func unknown(_ ids: Set<UUID>, principal: Principal, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let rows = self.rows
        let column = PlainColumn(rows.id, table: rows.table)
        let select = try db.sql.select().column(column).from(rows.table).where(column, .in, SQLBind.group(Array(ids)))
        let found = try await principal.scoped(select, table: rows.table, siteColumn: rows.site).all()
            .map { try RowReader($0).uuid(rows.id) }
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
        let byKind = Dictionary(grouping: references, by: { "\($0.kind)" })
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
