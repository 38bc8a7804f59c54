import Fluent
import Vapor

/// `/custom-fields`: the organization's typed fields on assets.
struct CustomFieldController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let fields = routes.grouped("custom-fields")
        fields.get(use: Self.list)
        fields.post(use: Self.create)
        fields.get(":customFieldID", use: Self.show)
        fields.patch(":customFieldID", use: Self.update)
        fields.delete(":customFieldID", use: Self.delete)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        return try await Listing.respond(request, sorts: CustomFields.sorts, defaultSort: "key", filename: "custom-fields") {
            try await CustomFields.list($0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        return try await Resources.show(
            try await principal.find(CustomField.self, request.pathID("customFieldID"), on: request.db), for: request)
    }

    struct Input: Sendable {
        var key: String?
        var label: String?
        var type: CustomField.FieldType?
        var required: Bool?
        var options: [String]?

        init(_ request: Request, creating: Bool) throws {
            var body = try JSONBody(request)
            body.rejectUnknown(allowed: creating ? ["key", "label", "type", "required", "options"] : ["label", "required", "options"])
            key = creating ? body.string("key", required: true, maxLength: 64) : nil
            if let key, key.range(of: "^[A-Za-z][A-Za-z0-9_]*$", options: .regularExpression) == nil {
                body.add("key", "must start with a letter and hold only letters, digits and _")
            }
            label = body.string("label", required: creating, maxLength: 100)
            type = creating ? body.enumValue("type", CustomField.FieldType.self, required: true) : nil
            required = body.bool("required")
            options = body.stringArray("options", maxCount: 100)
            if type == .select, (options ?? []).count < 2 { body.add("options", "must list at least two values for a select field") }
            try body.validate()
        }
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsWrite)
        let input = try Input(request, creating: true)
        return try await Resources.create(request, path: "custom-fields") { db in
            guard let key = input.key, let type = input.type else { throw AppError.invalid("key", "is required") }
            if try await principal.query(CustomField.self, on: db).filter(\.$key == key).count() > 0 {
                throw AppError.invalid("key", "is already a custom field")
            }
            let field = CustomField()
            field.key = key
            field.label = input.label ?? key
            field.type = type
            field.required = input.required ?? false
            field.options = input.options
            return field
        }
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsWrite)
        let id = try request.pathID("customFieldID")
        _ = try await principal.find(CustomField.self, id, on: request.db)
        let input = try Input(request, creating: false)
        return try await Resources.update(request, load: { try await principal.find(CustomField.self, id, on: $0) }) { field, _ in
            if let label = input.label { field.label = label }
            if let required = input.required { field.required = required }
            if let options = input.options {
                guard field.type != .select || options.count >= 2 else {
                    throw AppError.invalid("options", "must list at least two values for a select field")
                }
                field.options = options
            }
        }
    }

    @Sendable static func delete(_ request: Request) async throws -> HTTPStatus {
        let principal = try request.principal
        try principal.require(.assetsWrite)
        let id = try request.pathID("customFieldID")
        return try await Resources.delete(request, load: { try await principal.find(CustomField.self, id, on: $0) })
    }

}
