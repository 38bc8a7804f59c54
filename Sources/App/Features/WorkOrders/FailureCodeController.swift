import Fluent
import Vapor

/// `/failure-codes`: the organization's catalogue of problem, cause and remedy codes.
struct FailureCodeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let codes = routes.grouped("failure-codes")
        codes.get(use: Self.list)
        codes.post(use: Self.create)
        codes.get(":failureCodeID", use: Self.show)
        codes.patch(":failureCodeID", use: Self.update)
        codes.delete(":failureCodeID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        let category = try request.queryEnum("category", FailureCode.Category.self)
        let kind = try request.queryEnum("assetKind", Asset.Kind.self)
        return try await Listing.respond(request, sorts: FailureCodes.sorts, defaultSort: "code", filename: "failure-codes") {
            try await FailureCodes.list(category: category, assetKind: kind, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersRead)
        return try await Resources.show(
            try await principal.find(FailureCode.self, request.pathID("failureCodeID"), on: request.db), for: request)
    }

    struct Input: Sendable {
        var category: FailureCode.Category?
        var code: String?
        var description: String?
        var assetKind: Asset.Kind??

        init(_ request: Request, creating: Bool) throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: ["category", "code", "description", "assetKind"])
            category = body.enumValue("category", FailureCode.Category.self, required: creating)
            code = body.string("code", required: creating, maxLength: 32)
            description = body.string("description", required: creating, maxLength: 500)
            assetKind = body.patch("assetKind") { $0.enumValue("assetKind", Asset.Kind.self) }
            try body.validate()
        }

        func apply(to failureCode: FailureCode, principal: Principal, on db: any Database) async throws {
            if let category { failureCode.category = category }
            if let code { failureCode.code = code }
            if let description { failureCode.details = description }
            if let assetKind { failureCode.assetKind = assetKind }
            let clash = try await principal.query(FailureCode.self, on: db).filter(\.$category == failureCode.category)
                .filter(\.$code == failureCode.code).all().contains { $0.id != failureCode.id }
            if clash { throw AppError.invalid("code", "is already a \(failureCode.category.rawValue) code") }
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.failureCodesWrite)
        let input = try Input(request, creating: true)
        return try await Resources.create(request, path: "failure-codes") { db in
            let failureCode = FailureCode()
            try await input.apply(to: failureCode, principal: principal, on: db)
            return failureCode
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.failureCodesWrite)
        let id = try request.pathID("failureCodeID")
        _ = try await principal.find(FailureCode.self, id, on: request.db)
        let input = try Input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(FailureCode.self, id, on: $0) }) { code, db in
            try await input.apply(to: code, principal: principal, on: db)
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.failureCodesWrite)
        let id = try request.pathID("failureCodeID")
        return try await Resources.delete(request, load: { try await principal.find(FailureCode.self, id, on: $0) })
    }
}
