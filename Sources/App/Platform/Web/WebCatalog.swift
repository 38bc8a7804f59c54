import Fluent
import Vapor

/// A list page with a create form, for the records that are mostly a table (sites, clients, vendors, parts,
/// PM schedules, purchase orders), typed over the record's DTO. It reads through its feature's query and changes
/// records through its feature's operations — the ones the API calls — so a page shows and refuses exactly what
/// the API does, and a renamed field is a compile error rather than an empty cell.
struct WebCatalog<Record: Sendable>: WebCatalogPage {
    struct Column: Sendable {
        var label: String
        var value: @Sendable (Record, Lookups) -> String
        var href: (@Sendable (Record) -> String?)? = nil
    }

    /// A select's choices: fixed, or read for the signed-in member (the features define which, e.g. `.sites`).
    enum Options: Sendable {
        case fixed([(value: String, label: String)])
        case records(@Sendable (_ principal: Principal, _ db: any Database) async throws -> [(value: String, label: String)])
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

    /// A change made from a form: the form's fields as the operation's body, the version the page was read at
    /// (as an `If-Match` names it), and who is signed in.
    typealias Change = (_ body: JSONBody, _ expected: [String], _ principal: Principal) async throws -> Void

    /// A button on each row, for the rows it applies to: `POST /{path}/{id}/{name}` runs `run` on the row.
    struct RowAction: Sendable {
        var name: String
        var label: String
        var permission: Permission
        var applies: @Sendable (Record) -> Bool
        var run: @Sendable (_ id: UUID, _ expected: [String], _ principal: Principal, _ request: Request) async throws -> Void
    }

    /// Reading one record and changing it, for the edit form; `values` is the record as the form shows it.
    struct Edit: Sendable {
        var find: @Sendable (_ id: UUID, _ principal: Principal, _ db: any Database) async throws -> Record
        var values: @Sendable (Record) -> [String: String]
        var update:
            @Sendable (_ id: UUID, _ body: JSONBody, _ expected: [String], _ principal: Principal, _ request: Request) async throws
                -> Void
    }

    var path: String
    var title: String
    var read: Permission
    var write: Permission?
    /// The path parameter for one record (`siteID`), the name the record's other pages use at that position.
    var idParameter: String
    /// One page of records (a hundred, after the page's `cursor`), through the feature's query.
    var list: @Sendable (_ request: Request, _ principal: Principal) async throws -> (items: [Record], nextCursor: String?)
    var id: @Sendable (Record) -> UUID
    var version: @Sendable (Record) -> Int
    var create: (@Sendable (_ body: JSONBody, _ principal: Principal, _ request: Request) async throws -> Void)?
    var columns: [Column]
    var fields: [Field]
    /// Turns the form's fields into the operation's body where they differ (a PM schedule's nested calendar).
    var shape: @Sendable ([String: JSONValue]) -> [String: JSONValue] = { $0 }
    var actions: [RowAction] = []
    var intro: String?
    var edit: Edit? = nil
    /// Fields that do not change after creation.
    var createOnly: Set<String> = []
    /// What the columns name by id (a vendor, an asset), looked up once per page; only what this list shows.
    var lookupSources: [Options] = []
    /// Pages next to this one (PM compliance beside the schedules).
    var links: [(label: String, href: String)] = []

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
        case .fixed(let pairs): pairs.map { OptionView(value: $0.value, label: $0.label) }
        case .records(let read): try await read(principal, db).map { OptionView(value: $0.value, label: $0.label) }
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
        let listed = try await list(request, principal)
        var lookups = Lookups()
        for source in lookupSources {
            for option in try await options(source, principal: principal, on: request.db) { lookups.names[option.value] = option.label }
        }
        let fieldViews = try await fieldViews(fields, values: values, errors: errors, principal: principal, on: request.db)
        // Errors for fields the form does not show (a nested one) still reach the person.
        let shown = Set(fields.map(\.name))
        let others = errors.filter { key, _ in !shown.contains(key) && !shown.contains { key.hasPrefix($0 + ".") } }
        let extra = others.map { "\($0.key) \($0.value)" }.sorted().joined(separator: "; ")
        let rows = listed.items.map { record in
            RowView(
                id: id(record).uuidString, cells: columns.map { $0.value(record, lookups) }, href: columns.first?.href?(record),
                version: String(version(record)),
                actions: actions.filter { principal.can($0.permission) && $0.applies(record) }.map {
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
        let path = PathComponent(stringLiteral: path)
        let id = PathComponent(stringLiteral: ":" + idParameter)
        routes.get(path) { request in
            try await WebPage.render(
                "catalog", try await catalog.listPage(request, principal: try await WebSession.requirePrincipal(request)), for: request)
        }
        if let create {
            routes.post(path) { request in
                try await catalog.submit(request, fields: catalog.fields, done: "Saved.") { body, _, principal in
                    try await create(body, principal, request)
                }
            }
        }
        if edit != nil {
            routes.get(path, id, "edit") { request in
                let page = try await catalog.editPage(request, principal: try await WebSession.requirePrincipal(request))
                return try await WebPage.render("catalog-edit", page, for: request)
            }
            routes.post(path, id) { request in try await catalog.saveEdit(request) }
        }
        for action in actions {
            routes.post(path, id, PathComponent(stringLiteral: action.name)) { request in
                let recordID = try request.pathID(catalog.idParameter)
                return try await catalog.submit(request, fields: [], done: "\(action.label): done.") { _, expected, principal in
                    try await action.run(recordID, expected, principal, request)
                }
            }
        }
    }

    /// The form's fields as the operation's body (numbers as numbers, days as the start of the day), and as typed.
    func formBody(_ request: Request, _ fields: [Field]) -> (body: JSONBody, typed: [String: String]) {
        let kinds = Dictionary(
            uniqueKeysWithValues: fields.map { field -> (String, WebAPI.Field) in
                switch field.kind {
                case .number: (field.name, .number)
                case .date: (field.name, .day)
                default: (field.name, .text)
                }
            })
        return (JSONBody(values: shape(WebAPI.body(request, kinds))), WebForm.values(request, fields.map(\.name)))
    }

    /// Makes a change from the list page's form or a row's button; a refusal shows the list again with the errors
    /// and what was typed.
    func submit(_ request: Request, fields: [Field], done: String, _ change: Change) async throws -> Response {
        let principal = try await WebSession.requirePrincipal(request)
        let (body, typed) = formBody(request, fields)
        return try await WebForm.submit(request, done: done, redirect: "/\(path)", template: "catalog") {
            try await change(body, WebForm.expectedVersion(request), principal)
        } page: { errors, problem in
            try await listPage(request, principal: principal, values: typed, errors: errors, problem: problem)
        }
    }

    // MARK: Editing

    var editableFields: [Field] { fields.filter { !createOnly.contains($0.name) } }

    /// The edit form, filled from the record (or from what was typed, after a refusal).
    func editPage(
        _ request: Request, principal: Principal, typed: [String: String]? = nil, errors: [String: String] = [:], problem: String? = nil
    ) async throws -> EditPage {
        guard let edit, let write else { throw AppError.notFound("There is no such page.") }
        try principal.require(write)
        let recordID = try request.pathID(idParameter)
        let record = try await edit.find(recordID, principal, request.db)
        return EditPage(
            page: try await WebSession.page(title, section: path, principal: principal, request: request), path: path, title: title,
            id: recordID.uuidString, version: String(version(record)),
            fields: try await fieldViews(
                editableFields, values: typed ?? edit.values(record), errors: errors, principal: principal, on: request.db),
            problem: problem)
    }

    /// Saves the edit form through the update operation, refused when the record changed since the form was read.
    func saveEdit(_ request: Request) async throws -> Response {
        guard let edit else { throw AppError.notFound("There is no such page.") }
        let principal = try await WebSession.requirePrincipal(request)
        let recordID = try request.pathID(idParameter)
        let (body, typed) = formBody(request, editableFields)
        return try await WebForm.submit(request, done: "Saved.", redirect: "/\(path)", template: "catalog-edit") {
            try await edit.update(recordID, body, WebForm.expectedVersion(request), principal, request)
        } page: { errors, problem in
            try await editPage(request, principal: principal, typed: typed, errors: errors, problem: problem)
        }
    }
}

/// A catalog page of any record type, as the routes register it.
protocol WebCatalogPage: Sendable {
    func register(on routes: any RoutesBuilder)
}

/// Names of what rows point at, looked up once per page.
struct Lookups: Sendable {
    var names: [String: String] = [:]

    func name(_ id: UUID?) -> String {
        guard let id else { return "" }
        return names[id.uuidString] ?? ""
    }
}

extension ListParameters {
    /// A catalogue page's list: a hundred rows after the request's `cursor`, in `defaultSort` order.
    static func catalog(_ request: Request, sortable: [String], defaultSort: String) throws -> ListParameters {
        var parameters = try ListParameters(request, sortable: sortable, defaultSort: defaultSort)
        parameters.limit = 100
        return parameters
    }
}
