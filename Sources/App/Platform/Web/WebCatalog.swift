import Fluent
import Vapor

/// A list page with a create form, for the records that are mostly a table (sites, clients, vendors, parts,
/// PM schedules, purchase orders): read through the API's list handler, created and acted on through its
/// handlers, so a page shows and refuses exactly what the API does.
struct WebCatalog: Sendable {
    typealias Item = [String: JSONValue]
    typealias Handler = @Sendable (Request) async throws -> Response

    struct Column: Sendable {
        var label: String
        var value: @Sendable (Item, Lookups) -> String
        var href: (@Sendable (Item) -> String?)? = nil
    }

    enum Options: Sendable {
        case fixed([(value: String, label: String)])
        case sites, assets, vendors, locations
    }

    enum Kind: Sendable {
        case text, number, textarea, date
        case select(Options, optional: Bool)
    }

    struct Field: Sendable {
        var name: String
        var label: String
        var kind: Kind = .text
    }

    /// A button on each row, for the rows it applies to: `POST /{path}/{id}/{name}` runs the API's handler.
    struct RowAction: Sendable {
        var name: String
        var label: String
        var permission: Permission
        var applies: @Sendable (Item) -> Bool
        var handler: Handler
    }

    var path: String
    var title: String
    var read: Permission
    var write: Permission?
    /// The API's path parameter for one record, so its handlers find the id (`siteID`).
    var idParameter: String
    var list: Handler
    var create: Handler?
    var columns: [Column]
    var fields: [Field]
    /// Turns the form's fields into the API's body where they differ (a PM schedule's nested calendar).
    var shape: @Sendable (Item) -> Item = { $0 }
    var actions: [RowAction] = []
    var intro: String?
    /// Reading one record and changing it (the API's show and update), for the edit form.
    var edit: (show: Handler, update: Handler)? = nil
    /// Fields the API does not let change after creation.
    var createOnly: Set<String> = []
    /// The record as the edit form shows it, where it differs from the API's shape (the reverse of `shape`).
    var unshape: @Sendable (Item) -> Item = { $0 }
    /// What the columns name by id (a vendor, an asset), looked up once per page; only what this list shows.
    var lookupSources: [Options] = []
    /// Pages next to this one (PM compliance beside the schedules).
    var links: [(label: String, href: String)] = []

    /// Names of what rows point at, looked up once per page.
    struct Lookups: Sendable {
        var names: [String: String] = [:]
        func name(_ value: JSONValue?) -> String {
            guard case .string(let id)? = value else { return "" }
            return names[id] ?? ""
        }
    }

    // MARK: Rendering

    struct OptionView: Encodable {
        var value: String
        var label: String
    }

    struct FieldView: Encodable {
        var name: String
        var label: String
        var kind: String
        var options: [OptionView]
        var value: String
        var error: String?
    }

    struct ActionView: Encodable {
        var name: String
        var label: String
    }

    struct RowView: Encodable {
        var id: String
        var cells: [String]
        var href: String?
        var version: String
        var actions: [ActionView]
        var editable: Bool
    }

    struct EditPage: Encodable {
        var page: PageContext
        var path: String
        var title: String
        var id: String
        var version: String
        var fields: [FieldView]
        var problem: String?
    }

    struct Page: Encodable {
        var page: PageContext
        var path: String
        var title: String
        var intro: String?
        var headers: [String]
        var rows: [RowView]
        var nextPage: String?
        var canCreate: Bool
        var fields: [FieldView]
        var problem: String?
        var links: [WebLine]
    }

    func options(_ source: Options, principal: Principal, on db: any Database) async throws -> [OptionView] {
        switch source {
        case .fixed(let pairs): return pairs.map { OptionView(value: $0.value, label: $0.label) }
        case .sites:
            return try await principal.sitesQuery(on: db).sort(\.$name).all().map {
                OptionView(value: $0.id?.uuidString ?? "", label: $0.name)
            }
        case .assets:
            guard principal.can(.assetsRead) else { return [] }
            return try await principal.siteQuery(Asset.self, on: db).sort(\.$tag).limit(2000).all()
                .map { OptionView(value: $0.id?.uuidString ?? "", label: "\($0.tag) \($0.name)") }
        case .vendors:
            return try await principal.query(Vendor.self, on: db).sort(\.$name).all().map {
                OptionView(value: $0.id?.uuidString ?? "", label: $0.name)
            }
        case .locations:
            return try await principal.siteQuery(Location.self, on: db).sort(\.$name).all().map {
                OptionView(value: $0.id?.uuidString ?? "", label: $0.name)
            }
        }
    }

    /// The form's fields with their choices, values and errors.
    func fieldViews(_ fields: [Field], values: [String: String], errors: [String: String], principal: Principal, on db: any Database)
        async throws -> [FieldView]
    {
        var views: [FieldView] = []
        for field in fields {
            var kind = "text"
            var optionViews: [OptionView] = []
            switch field.kind {
            case .text: kind = "text"
            case .number: kind = "number"
            case .textarea: kind = "textarea"
            case .date: kind = "date"
            case .select(let source, let optional):
                kind = "select"
                optionViews =
                    (optional ? [OptionView(value: "", label: "—")] : []) + (try await options(source, principal: principal, on: db))
            }
            views.append(
                FieldView(
                    name: field.name, label: field.label, kind: kind, options: optionViews, value: values[field.name] ?? "",
                    error: errors[field.name] ?? errors.first { $0.key.hasPrefix(field.name + ".") }?.value))
        }
        return views
    }

    /// The list page's context; `values`, `errors` and `problem` fill the form again after a refusal.
    func listPage(
        _ request: Request, principal: Principal, values: [String: String] = [:], errors: [String: String] = [:], problem: String? = nil
    ) async throws -> Page {
        try principal.require(read)
        var query = "limit=100"
        if let cursor = request.queryParameter("cursor"), !cursor.isEmpty {
            query += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        let listed = try await WebAPI.list(request, principal: principal, query: query, as: Item.self) { try await list($0) }
        var lookups = Lookups()
        for source in lookupSources {
            for option in try await options(source, principal: principal, on: request.db) { lookups.names[option.value] = option.label }
        }
        let fieldViews = try await fieldViews(fields, values: values, errors: errors, principal: principal, on: request.db)
        // Errors for fields the form does not show (a nested one) still reach the person.
        let shown = Set(fields.map(\.name))
        let others = errors.filter { key, _ in !shown.contains(key) && !shown.contains { key.hasPrefix($0 + ".") } }
        let extra = others.map { "\($0.key) \($0.value)" }.sorted().joined(separator: "; ")
        let rows = listed.items.map { item -> RowView in
            var version = ""
            if case .number(let number)? = item["version"] { version = String(Int(number)) }
            var id = ""
            if case .string(let text)? = item["id"] { id = text }
            return RowView(
                id: id, cells: columns.map { $0.value(item, lookups) }, href: columns.first?.href?(item), version: version,
                actions: actions.filter { principal.can($0.permission) && $0.applies(item) }.map {
                    ActionView(name: $0.name, label: $0.label)
                },
                editable: edit != nil && write.map(principal.can) == true)
        }
        return Page(
            page: try await WebSession.page(title, section: path, principal: principal, request: request), path: path, title: title,
            intro: intro, headers: columns.map(\.label), rows: rows,
            nextPage: listed.nextCursor.map {
                "/\(path)?cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            },
            canCreate: create != nil && write.map(principal.can) == true, fields: fieldViews,
            problem: [problem, extra.isEmpty ? nil : extra].compactMap { $0 }.joined(separator: " "),
            links: links.map { WebLine(text: $0.label, detail: "", href: $0.href) })
    }

    // MARK: Routes

    func register(on routes: any RoutesBuilder) {
        let catalog = self
        routes.get(PathComponent(stringLiteral: path)) { request in
            try await WebPage.render(
                "catalog", try await catalog.listPage(request, principal: try await WebSession.requirePrincipal(request)), for: request)
        }
        if let create {
            routes.post(PathComponent(stringLiteral: path)) { request in
                try await catalog.submit(request, handler: create, fields: catalog.fields.map(\.name), done: "Saved.")
            }
        }
        if edit != nil {
            routes.get(PathComponent(stringLiteral: path), PathComponent(stringLiteral: ":" + idParameter), "edit") { request in
                let page = try await catalog.editPage(request, principal: try await WebSession.requirePrincipal(request))
                return try await WebPage.render("catalog-edit", page, for: request)
            }
            routes.post(PathComponent(stringLiteral: path), PathComponent(stringLiteral: ":" + idParameter)) { request in
                try await catalog.saveEdit(request)
            }
        }
        for action in actions {
            routes.post(
                PathComponent(stringLiteral: path), PathComponent(stringLiteral: ":" + idParameter),
                PathComponent(stringLiteral: action.name)
            ) {
                request in
                try await catalog.submit(request, handler: action.handler, fields: [], done: "\(action.label): done.")
            }
        }
    }

    /// The form's fields as the API's body (numbers as numbers, days as the start of the day), and as typed.
    func formBody(_ request: Request, _ fields: [Field]) -> (body: Item, typed: [String: String]) {
        let kinds = Dictionary(
            uniqueKeysWithValues: fields.map { field -> (String, WebAPI.Field) in
                switch field.kind {
                case .number: (field.name, .number)
                case .date: (field.name, .day)
                default: (field.name, .text)
                }
            })
        // What was typed is read now: the handler gets a JSON body in the form's place.
        return (shape(WebAPI.body(request, kinds)), WebForm.values(request, fields.map(\.name)))
    }

    /// Runs an API handler with the form's fields; a refusal shows the list again with the errors and the values.
    func submit(_ request: Request, handler: Handler, fields names: [String], done: String) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let (body, typed) = formBody(request, fields.filter { names.contains($0.name) })
        return try await WebForm.submit(
            request, principal: principal, body: body, version: try? request.content.get(String.self, at: "version"), handler, done: done,
            redirect: "/\(path)", template: "catalog"
        ) { errors, problem in
            try await listPage(request, principal: principal, values: typed, errors: errors, problem: problem)
        }
    }

    // MARK: Editing

    var editableFields: [Field] { fields.filter { !createOnly.contains($0.name) } }

    /// The edit form, filled from the record as the API shows it (or from what was typed, after a refusal).
    func editPage(
        _ request: Request, principal: Principal, typed: [String: String]? = nil, errors: [String: String] = [:], problem: String? = nil
    ) async throws -> EditPage {
        guard let edit, let write else { throw AppError.notFound("There is no such page.") }
        try principal.require(write)
        request.optionalPrincipal = principal
        let shown = try await edit.show(request)
        let item = unshape(try WebAPI.decode(shown, as: Item.self))
        var values: [String: String] = [:]
        for field in editableFields {
            switch item[field.name] {
            case .string(let text)?: values[field.name] = field.kind.isDate ? String(text.prefix(10)) : text
            case .number(let number)?: values[field.name] = WebFormat.number(number)
            default: break
            }
        }
        var version = ""
        if case .number(let number)? = item["version"] { version = String(Int(number)) }
        return EditPage(
            page: try await WebSession.page(title, section: path, principal: principal, request: request), path: path, title: title,
            id: (try? request.parameters.require(idParameter)) ?? "", version: version,
            fields: try await fieldViews(editableFields, values: typed ?? values, errors: errors, principal: principal, on: request.db),
            problem: problem)
    }

    /// Saves the edit form through the API's update, with the page's version as `If-Match`.
    func saveEdit(_ request: Request) async throws -> Response {
        guard let edit else { throw AppError.notFound("There is no such page.") }
        let principal = try await WebSession.requirePrincipal(request)
        let (body, typed) = formBody(request, editableFields)
        return try await WebForm.submit(
            request, principal: principal, body: body, version: try? request.content.get(String.self, at: "version"), edit.update,
            done: "Saved.", redirect: "/\(path)", template: "catalog-edit"
        ) { errors, problem in
            try await editPage(request, principal: principal, typed: typed, errors: errors, problem: problem)
        }
    }
}

extension WebCatalog.Kind {
    var isDate: Bool {
        if case .date = self { return true }
        return false
    }
}
