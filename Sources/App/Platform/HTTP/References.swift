import Fluent
import Foundation
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

    /// Of `ids`, those that name nothing this principal may use.
    func unknown(_ ids: Set<UUID>, principal: Principal, on db: any Database) async throws -> Set<UUID> {
        let list = Array(ids)
        let found: [UUID]
        switch self {
        case .site: found = try await principal.sitesQuery(on: db).filter(\.$id ~~ list).all(\.$id)
        case .client: found = try await principal.query(Client.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .location: found = try await principal.siteQuery(Location.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .asset: found = try await principal.siteQuery(Asset.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .meter: found = try await principal.query(Meter.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .team: found = try await principal.query(Team.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .member: found = try await principal.query(Membership.self, on: db).filter(\.$user.$id ~~ list).all(\.$user.$id)
        case .failureCode: found = try await principal.query(FailureCode.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .stockLevel: found = try await principal.query(StockLevel.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .checklistTemplate: found = try await principal.query(ChecklistTemplate.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .vendor: found = try await principal.query(Vendor.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .part: found = try await principal.query(Part.self, on: db).filter(\.$id ~~ list).all(\.$id)
        case .purchaseOrderLine: found = try await principal.query(PurchaseOrderLine.self, on: db).filter(\.$id ~~ list).all(\.$id)
        }
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
