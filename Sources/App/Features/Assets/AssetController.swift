import Fluent
import SQLKit
import Vapor

/// `/assets`: the things that are maintained, as a tree per site.
struct AssetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let assets = routes.grouped("assets")
        assets.get(use: Self.list)
        assets.post(use: Self.create)
        assets.get(":assetID", use: Self.show)
        assets.patch(":assetID", use: Self.update)
        assets.delete(":assetID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        let filter = try AssetFilter(request)
        return try await Listing.respond(request, sorts: Assets.sorts, defaultSort: "tag", filename: "assets") { parameters in
            try await Assets.list(filter, parameters, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        return try await Resources.show(try await principal.findInSite(Asset.self, request.pathID("assetID"), on: request.db), for: request)
    }

    /// The writable fields of an asset; absent fields are left alone on update, `null` clears optional ones.
    struct Input: Sendable {
        static let fields: Set<String> = [
            "siteId", "locationId", "parentId", "tag", "name", "kind", "manufacturer", "model", "serialNumber", "criticality", "status",
            "installDate", "warrantyEnd", "purchaseCost", "description", "customFields",
        ]
        var siteID: UUID??
        var locationID: UUID??
        var parentID: UUID??
        var tag: String??
        var name: String??
        var kind: Asset.Kind??
        var manufacturer: String??
        var model: String??
        var serialNumber: String??
        var criticality: Int??
        var status: Asset.Status??
        var installDate: String??
        var warrantyEnd: String??
        var purchaseCost: Double??
        var description: String??
        var customFields: String??

        init(_ request: Request, creating: Bool) async throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: Self.fields)
            func required<T>(_ key: String, _ read: (inout JSONBody) -> T?) -> T?? {
                creating ? .some(read(&body)) : body.patch(key, read)
            }
            siteID = required("siteId") { $0.reference("siteId", .site, required: true) }
            tag = required("tag") { $0.string("tag", required: true, maxLength: 64) }
            name = required("name") { $0.string("name", required: true) }
            kind = body.patch("kind") { $0.enumValue("kind", Asset.Kind.self, required: true) }
            locationID = body.patch("locationId") { $0.reference("locationId", .location) }
            parentID = body.patch("parentId") { $0.reference("parentId", .asset) }
            manufacturer = body.patch("manufacturer") { $0.string("manufacturer", maxLength: 100) }
            model = body.patch("model") { $0.string("model", maxLength: 100) }
            serialNumber = body.patch("serialNumber") { $0.string("serialNumber", maxLength: 100) }
            criticality = body.patch("criticality") { $0.int("criticality", required: true, range: 1...5) }
            status = body.patch("status") { $0.enumValue("status", Asset.Status.self, required: true) }
            installDate = body.patch("installDate") { $0.day("installDate") }
            warrantyEnd = body.patch("warrantyEnd") { $0.day("warrantyEnd") }
            purchaseCost = body.patch("purchaseCost") { $0.double("purchaseCost", range: 0...1e12) }
            description = body.patch("description") { $0.string("description", maxLength: 4000) }
            customFields = body.patch("customFields") { $0.customFields("customFields") }
            // The custom values' problems are listed with the other fields', not after them.
            if creating || customFields != nil, !body.problems.contains(where: { $0.field == "customFields" }) {
                var values: [String: JSONValue] = [:]
                if case .some(.some(let text)) = customFields, case .object(let object)? = JSONValue.parse(text) { values = object }
                for problem in try await CustomFields.problems(values, principal: request.principal, on: request.db) {
                    body.add(problem.field, problem.message)
                }
            }
            try await body.validate(for: request.principal, on: request.db)
        }

        func apply(to asset: Asset, principal: Principal, on db: any Database) async throws {
            var problems: [FieldProblem] = []
            if case .some(.some(let siteID)) = siteID {
                if asset.id == nil || siteID != asset.siteID {
                    try await principal.requireSite(siteID, field: "siteId", on: db)
                    if asset.id != nil, locationID == nil { asset.locationID = nil }
                }
                asset.siteID = siteID
            }
            if case .some(.some(let tag)) = tag, tag != asset.$tag.value {
                // Tags are unique whatever their case: "cnv-01" and "CNV-01" are one label to a person.
                let same = principal.query(Asset.self, on: db).filter(
                    .sql(
                        SQLBinaryExpression(
                            SQLFunction("lower", args: SQLColumn("tag", table: Asset.schema)), .equal, SQLBind(tag.lowercased()))))
                if let id = asset.id { same.filter(\.$id != id) }
                let taken = try await same.count() > 0
                if taken { problems.append(FieldProblem(field: "tag", message: "is already used by another asset")) }
                asset.tag = tag
            }
            if case .some(.some(let name)) = name { asset.name = name }
            if case .some(.some(let kind)) = kind { asset.kind = kind }
            if let manufacturer { asset.manufacturer = manufacturer }
            if let model { asset.modelName = model }
            if let serialNumber { asset.serialNumber = serialNumber }
            if case .some(.some(let criticality)) = criticality { asset.criticality = criticality }
            if case .some(.some(let status)) = status { asset.status = status }
            if let installDate { asset.installDate = installDate }
            if let warrantyEnd { asset.warrantyEnd = warrantyEnd }
            if let purchaseCost { asset.purchaseCost = purchaseCost }
            if let description { asset.details = description }
            if let customFields { asset.customFields = customFields }
            if asset.id == nil || customFields != nil {
                var values: [String: JSONValue] = [:]
                if case .object(let object)? = JSONValue.parse(asset.customFields) { values = object }
                problems += try await CustomFields.problems(values, principal: principal, on: db)
            }
            if let locationID {
                if let id = locationID {
                    let location = try await Location.query(on: db).filter(\.$id == id).filter(
                        \.$organizationID == principal.organizationID
                    ).first()
                    if location?.siteID != asset.siteID {
                        problems.append(FieldProblem(field: "locationId", message: "is not a location at the asset's site"))
                    }
                }
                asset.locationID = locationID
            }
            if let parentID {
                if let parentID {
                    do {
                        try await Hierarchy.checkParent(
                            parentID, of: asset.id, field: "parentId", principal: principal, siteID: asset.siteID, on: db,
                            load: { try await Asset.find($0, on: $1).map { ($0.siteID, $0.parentID) } })
                    } catch AppError.validation(let parentProblems) {
                        problems += parentProblems
                    }
                }
                asset.parentID = parentID
            }
            if !problems.isEmpty { throw AppError.validation(problems) }
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsWrite)
        let input = try await Input(request, creating: true)
        return try await Resources.create(request, path: "assets") { db in
            let asset = Asset()
            asset.kind = .machine
            asset.criticality = 3
            asset.status = .operational
            try await input.apply(to: asset, principal: principal, on: db)
            return asset
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsWrite)
        let id = try request.pathID("assetID")
        _ = try await principal.findInSite(Asset.self, id, on: request.db)
        let input = try await Input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.findInSite(Asset.self, id, on: $0) }) { asset, db in
            try await input.apply(to: asset, principal: principal, on: db)
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.assetsDelete)
        let id = try request.pathID("assetID")
        return try await Resources.delete(request, load: { try await principal.findInSite(Asset.self, id, on: $0) }) { _, db in
            let children = try await Asset.query(on: db).filter(\.$parentID == id).count()
            if children > 0 { throw AppError.conflict("This asset has \(children) child assets; move or delete them first.") }
        }
    }
}

extension JSONBody {
    /// An object of custom field values, stored as canonical JSON; `null` drops a value. The values are checked
    /// against the organization's definitions (`/custom-fields`) when applied.
    mutating func customFields(_ key: String) -> String? {
        guard has(key) else { return nil }
        var values: [String: JSONValue] = [:]
        guard let raw = rawValue(key) else { return nil }
        guard case .object(let object) = raw, object.count <= 100 else {
            add(key, "must be an object of at most 100 fields")
            return nil
        }
        for (name, value) in object {
            switch value {
            case .string, .number, .bool: values[name] = value
            case .null: break
            default: add("\(key).\(name)", "must be text, a number or true/false")
            }
        }
        return try? AuditLog.snapshot(values)
    }
}

extension Request {
    /// A query parameter naming one case of `E`; anything else is a 400 naming the parameter and the choices.
    func queryEnum<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws -> E? where E.RawValue == String {
        guard let raw = queryParameter(name) else { return nil }
        guard let value = E(rawValue: raw) else {
            throw AppError.badRequest(
                "A query parameter is not valid.",
                [FieldProblem(field: name, message: "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")])
        }
        return value
    }
}
