import Fluent
import Maintenance
import Vapor

/// The work-order pages: the list with the API's filters; a work order's page where it is worked (status,
/// checklist, time, parts, photos, comments, history); a new work order from what a technician typed.
/// Every change goes through the operation the API calls (``WorkOrders``), with the form read as its JSON body.
struct WebWorkOrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("work-orders", use: Self.list)
        routes.get("work-orders", "new", use: Self.newForm)
        routes.get("work-orders", "board", use: Self.board)
        routes.post("work-orders", "views", use: Self.saveView)
        routes.post("work-orders", "views", ":savedViewID", "delete", use: Self.deleteView)
        routes.post("work-orders", "new", use: Self.parseText)
        routes.post("work-orders", use: Self.create)
        routes.get("work-orders", ":workOrderID", use: Self.show)
        let order = routes.grouped("work-orders", ":workOrderID")
        order.post("actions", ":action", use: Self.act)
        order.post("move", use: Self.move)
        order.post("tasks", ":taskID", use: Self.recordTask)
        order.post("labor", use: Self.logTime)
        order.post("parts", use: Self.issuePart)
        order.post("comments", use: Self.comment)
        order.on(.POST, "attachments", body: .collect(maxSize: "12mb"), use: Self.attach)
    }

    typealias Option = WebOption

    // MARK: List

    struct ListPage: Encodable {
        var page: PageContext
        var rows: [WebHome.WorkOrderRow]
        var statuses: [Option]
        var priorities: [Option]
        var q: String
        var mine: Bool
        var overdue: Bool
        var nextPage: String?
        var canCreate: Bool
        var views: [SavedViewLink]
        /// The filters in force, as a query string a view saves.
        var currentQuery: String
        var canShare: Bool
    }

    struct SavedViewLink: Encodable {
        var id: String
        var name: String
        var href: String
        var shared: Bool
        var active: Bool
        var canDelete: Bool
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        return try await WebPage.render("work-orders", try await listPage(request, principal: principal), for: request)
    }

    /// The work-order list's context: the filtered page of orders, the filter form's choices and the saved views.
    static func listPage(_ request: Request, principal: Principal) async throws -> ListPage {
        // A form sends its empty fields; an empty filter is no filter.
        var components = URLComponents()
        components.percentEncodedQuery = request.url.query
        let items = (components.queryItems ?? []).filter { !($0.value ?? "").isEmpty }
        components.queryItems = items.isEmpty ? nil : items
        request.url.query = components.percentEncodedQuery
        if request.queryParameter("mine") == "on" {
            request.url.query = [request.url.query, "assigneeId=me"].compactMap { $0 }.joined(separator: "&")
        }
        let currentQuery = (components.queryItems ?? []).filter { $0.name != "cursor" }.map { item in
            var single = URLComponents()
            single.queryItems = [item]
            return single.percentEncodedQuery ?? ""
        }.joined(separator: "&")
        let filter = try WorkOrderFilter(request, principal: principal)
        let parameters = try ListParameters(request, sortable: WorkOrders.sorts.map(\.name), defaultSort: "-number")
        let (orders, next) = try await WorkOrders.list(filter, parameters, principal: principal, on: request.db)
        let status = request.queryParameter("status") ?? ""
        let priority = request.queryParameter("priority") ?? ""
        var nextPage: String?
        if let next {
            var nextComponents = components
            nextComponents.queryItems =
                (components.queryItems ?? []).filter { $0.name != "cursor" } + [URLQueryItem(name: "cursor", value: next)]
            nextPage = "/work-orders?" + (nextComponents.percentEncodedQuery ?? "")
        }
        let openSet = "open,in_progress,on_hold,reopened"
        let page = ListPage(
            page: try await WebSession.page("Work orders", section: "work-orders", principal: principal, request: request),
            rows: orders.map { WebHome.row($0, now: Date()) },
            statuses: [
                Option(value: "", label: "Any status", selected: status.isEmpty),
                Option(value: openSet, label: "Not done", selected: status == openSet),
            ]
                + WorkOrderStatus.allCases.map {
                    Option(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: status == $0.rawValue)
                },
            priorities: [Option(value: "", label: "Any priority", selected: priority.isEmpty)]
                + WorkOrderPriority.allCases.reversed().map {
                    Option(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: priority == $0.rawValue)
                },
            q: request.queryParameter("q") ?? "", mine: request.queryParameter("mine") == "on",
            overdue: request.queryParameter("overdue") == "true", nextPage: nextPage,
            canCreate: principal.can(.workOrdersCreate),
            views: try await SavedViews.list(
                page: "work-orders", .init(limit: ListParameters.maximumLimit, sortName: "name", descending: false), principal: principal,
                on: request.db
            ).items.map {
                SavedViewLink(
                    id: $0.id.uuidString, name: $0.name, href: "/work-orders" + ($0.query.isEmpty ? "" : "?" + $0.query),
                    shared: $0.shared, active: $0.query == currentQuery,
                    canDelete: $0.userId == principal.userID || principal.can(.workOrdersManage))
            },
            currentQuery: currentQuery, canShare: principal.can(.workOrdersManage))
        return page
    }

    /// Saves the list's filters under a name (``SavedViews/create(from:principal:through:)``).
    @Sendable static func saveView(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        var values = WebAPI.body(request, ["name": .text, "query": .text, "shared": .bool])
        values["page"] = .string("work-orders")
        if values["query"] == nil { values["query"] = .string("") }
        let query = (try? request.content.get(String.self, at: "query")) ?? ""
        do {
            var body = JSONBody(values: values)
            _ = try await SavedViews.create(from: &body, principal: principal, through: request)
        } catch let error as AppError {
            let (problem, _) = error.problem(requestId: request.requestID)
            WebSession.flash(
                "The view was not saved: " + (problem.errors ?? []).map { "\($0.field) \($0.message)" }.joined(separator: "; "), request)
            return request.redirect(to: "/work-orders" + (query.isEmpty ? "" : "?" + query), redirectType: .normal)
        }
        WebSession.flash("View saved.", request)
        return request.redirect(to: "/work-orders" + (query.isEmpty ? "" : "?" + query), redirectType: .normal)
    }

    @Sendable static func deleteView(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        try await SavedViews.delete(try request.pathID("savedViewID"), principal: principal, through: request)
        WebSession.flash("View removed.", request)
        return request.redirect(to: "/work-orders", redirectType: .normal)
    }

    // MARK: A work order

    struct ActionButton: Encodable {
        var action: String
        var label: String
        var needsReason: Bool
        var completes: Bool
    }

    struct TaskRow: Encodable {
        var id: String
        var label: String
        var kind: String
        var result: String
        var done: Bool
        var value: String?
        var unit: String?
        var choices: [String]
        var required: Bool
    }

    typealias Line = WebLine

    /// What the page shows of the work order itself (the rest of its DTO is not encoded for the template).
    struct OrderView: Encodable {
        var id: UUID
        var number: String
        var title: String
        var description: String?
        var priority: String
        var version: Int
    }

    struct DetailPage: Encodable {
        var page: PageContext
        var order: OrderView
        var status: String
        var statusLabel: String
        var due: String
        var created: String
        var asset: String?
        var site: String?
        var diagnosis: String?
        var actions: [ActionButton]
        var canWork: Bool
        var tasks: [TaskRow]
        var labor: [Line]
        var totalMinutes: Int
        var parts: [Line]
        var stock: [Option]
        var photos: [Line]
        var comments: [Line]
        var history: [Line]
        /// The form that failed, its field errors and what was typed.
        var failedForm: String?
        var errors: [String: String]
        var values: [String: String]
        var problem: String?
    }

    static func detail(
        _ request: Request, principal: Principal, id: UUID, failedForm: String? = nil, values: [String: String] = [:],
        errors: [String: String] = [:], problem: String? = nil
    ) async throws -> DetailPage {
        let db = request.db
        typealias Reads = WorkOrderPageReads
        let order = try await WorkOrders.find(id, principal: principal, on: db)
        var asset: String?
        if let assetID = order.assetId { asset = try await Reads.assetLabel(assetID, principal: principal, on: db) }
        let site = try await Reads.siteName(order.siteId, principal: principal, on: db)
        let canWork = principal.can(.workOrdersWork) || principal.can(.workOrdersManage)
        let actions = WorkOrderStateMachine.allowedActions(from: order.status).map {
            ActionButton(
                action: $0.rawValue, label: WebFormat.label($0.rawValue), needsReason: [.hold, .cancel, .reopen].contains($0),
                completes: $0 == .complete)
        }
        let tasks = try await Reads.tasks(of: id, principal: principal, on: db)
        let labor = try await Reads.labor(of: id, principal: principal, on: db)
        let movements = try await Reads.movements(of: id, principal: principal, on: db)
        // The stores to take a part from, only when the parts form is shown.
        var levels: [Reads.Level] = []
        if canWork && !order.status.isFinal && principal.can(.partsRead) {
            levels = try await Reads.levels(principal: principal, on: db)
        }
        let partNames = try await principal.names(
            Set(movements.map(\.partID)).union(levels.map(\.partID)), table: Part.schema,
            label: #""number" || ' ' || "name""#, on: db)
        let locationNames = try await principal.names(
            Set(levels.map(\.locationID)), table: Location.schema, label: #""name""#, on: db)
        let photos = try await Reads.photos(of: id, principal: principal, on: db)
        let comments = try await Reads.comments(of: id, principal: principal, on: db)
        let userNames = try await principal.names(
            Set(comments.compactMap(\.authorUserID) + labor.map(\.userID)), table: User.schema, label: #""name""#, tenant: false,
            on: db)
        let events = try await Reads.history(of: id, principal: principal, on: db)
        return DetailPage(
            page: try await WebSession.page(order.number, section: "work-orders", principal: principal, request: request),
            order: OrderView(
                id: order.id, number: order.number, title: order.title, description: order.description, priority: order.priority.rawValue,
                version: order.version),
            status: order.status.rawValue, statusLabel: WebFormat.label(order.status.rawValue),
            due: WebFormat.date(order.dueAt), created: WebFormat.dateTime(order.createdAt), asset: asset,
            site: site, diagnosis: order.diagnosisId?.uuidString, actions: canWork ? actions : [],
            canWork: canWork && !order.status.isFinal,
            tasks: tasks.map { task in
                let spec = task.spec
                return TaskRow(
                    id: task.id.uuidString, label: spec.label, kind: spec.kind.rawValue, result: task.result.rawValue,
                    done: task.result != .pending, value: task.value.map(WebFormat.number) ?? task.text ?? task.choice, unit: spec.unit,
                    choices: spec.choices ?? [], required: spec.required)
            },
            labor: labor.map {
                Line(
                    text: "\($0.minutes) min by \(userNames[$0.userID] ?? "someone")",
                    detail: [WebFormat.date($0.performedAt), $0.note].compactMap { $0 }.joined(separator: " · "), href: nil)
            },
            totalMinutes: labor.map(\.minutes).reduce(0, +),
            parts: movements.map {
                Line(
                    text: "\(WebFormat.number(abs($0.quantity))) × \(partNames[$0.partID] ?? "part")",
                    detail: $0.kind == .issue ? "used" : WebFormat.label($0.kind.rawValue), href: nil)
            },
            stock: levels.map {
                Option(
                    value: $0.id.uuidString,
                    label:
                        "\(partNames[$0.partID] ?? "part") @ \(locationNames[$0.locationID] ?? "store") (\(WebFormat.number($0.available)) available)",
                    selected: false)
            },
            photos: photos.map {
                Line(
                    text: $0.filename, detail: WebFormat.dateTime($0.createdAt),
                    href: "/attachments/\($0.id.uuidString)/content")
            },
            comments: comments.map {
                Line(
                    text: $0.body, detail: "\(userNames[$0.authorUserID ?? UUID()] ?? "someone") · \(WebFormat.dateTime($0.createdAt))",
                    href: nil)
            },
            history: events.map {
                Line(
                    text: WebFormat.label($0.action.replacingOccurrences(of: ".", with: " ")),
                    detail: "\($0.actorLabel) · \(WebFormat.dateTime($0.occurredAt))", href: nil)
            },
            failedForm: failedForm, errors: errors, values: values, problem: problem)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        return try await WebPage.render(
            "work-order", try await detail(request, principal: principal, id: request.pathID("workOrderID")), for: request)
    }

    /// A form on the work order's page that calls an operation: `change` gets the order's id, the form as a JSON body, the
    /// signed-in principal and the version the page was read at; success goes back to the page with a message, a
    /// refusal shows the page again with the field errors beside that form and what was typed.
    static func perform(
        _ request: Request, form: String, fields: [String: WebAPI.Field], done message: String,
        change: (_ id: UUID, _ body: JSONBody, _ principal: Principal, _ expected: [String]) async throws -> Void
    ) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        let id = try request.pathID("workOrderID")
        let body = JSONBody(values: WebAPI.body(request, fields))
        let values = WebForm.values(request, Array(fields.keys))
        let expected = WebForm.expectedVersion(request)
        return try await WebForm.submit(request, done: message, redirect: "/work-orders/\(id)#\(form)", template: "work-order") {
            try await change(id, body, principal, expected)
        } page: { errors, problem in
            try await detail(request, principal: principal, id: id, failedForm: form, values: values, errors: errors, problem: problem)
        }
    }

    @Sendable static func act(_ request: Request) async throws -> Response {
        guard let action = request.parameters.get("action").flatMap(WorkOrderAction.init(rawValue:)) else {
            throw AppError.notFound("No such action.")
        }
        return try await perform(
            request, form: "status", fields: ["reason": .text, "resolutionNote": .text], done: "Done: \(WebFormat.label(action.rawValue))."
        ) { id, body, principal, expected in
            _ = try await WorkOrders.move(id, action, body: { body }, expected: expected, principal: principal, through: request)
        }
    }

    @Sendable static func recordTask(_ request: Request) async throws -> Response {
        let taskID = try request.pathID("taskID")
        return try await perform(
            request, form: "checklist", fields: ["done": .bool, "value": .number, "text": .text, "result": .text, "choice": .text],
            done: "Checklist updated."
        ) { id, body, principal, _ in
            _ = try await Checklists.record(taskID, on: id, from: { body }, principal: principal, through: request)
        }
    }

    @Sendable static func logTime(_ request: Request) async throws -> Response {
        try await perform(request, form: "time", fields: ["minutes": .number, "note": .text], done: "Time logged.") {
            id, body, principal, _ in
            _ = try await WorkOrders.logLabor(on: id, from: { body }, principal: principal, through: request)
        }
    }

    @Sendable static func issuePart(_ request: Request) async throws -> Response {
        try await perform(request, form: "parts", fields: ["stockLevelId": .text, "quantity": .number], done: "Part recorded.") {
            id, body, principal, _ in
            _ = try await WorkOrders.issuePart(on: id, from: { body }, principal: principal, through: request)
        }
    }

    @Sendable static func comment(_ request: Request) async throws -> Response {
        try await perform(request, form: "comments", fields: ["body": .text], done: "Comment added.") { id, body, principal, _ in
            _ = try await WorkOrders.addComment(on: id, from: { body }, principal: principal, through: request)
        }
    }

    /// A photo (camera on phones) or file: the multipart form goes to the API's handler as it is.
    @Sendable static func attach(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        let id = try request.pathID("workOrderID")
        return try await WebForm.orRefused(request, template: "work-order") {
            _ = try await WorkOrders.attach(
                on: id, upload: { try AttachmentStore.readUpload(request) }, principal: principal, through: request)
            WebSession.flash("Photo added.", request)
            return request.redirect(to: "/work-orders/\(id)#photos", redirectType: .normal)
        } page: { errors, problem in
            try await detail(request, principal: principal, id: id, failedForm: "photos", errors: errors, problem: problem)
        }
    }

    // MARK: Board

    struct BoardCard: Encodable {
        var id: String
        var number: String
        var title: String
        var priority: String
        var due: String?
        var overdue: Bool
        var version: Int
        /// The columns this card may be moved to, as the state machine allows: status → label.
        var moves: [Option]
        var movesJSON: String
    }

    struct BoardColumn: Encodable {
        var status: String
        var label: String
        var cards: [BoardCard]
    }

    struct BoardPage: Encodable {
        var page: PageContext
        var columns: [BoardColumn]
        var canMove: Bool
    }

    /// The board's columns, in the order work flows; cancelled orders are left off.
    static let boardStatuses: [WorkOrderStatus] = [.requested, .open, .inProgress, .onHold, .reopened, .completed]

    /// Where an order in `status` may go, and by which action.
    static func moves(from status: WorkOrderStatus) -> [(to: WorkOrderStatus, action: WorkOrderAction)] {
        WorkOrderStateMachine.rules.filter { $0.from.contains(status) && boardStatuses.contains($0.to) }.map { ($0.to, $0.action) }
    }

    @Sendable static func board(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        return try await WebPage.render("board", try await boardPage(request, principal: principal), for: request)
    }

    /// The board's context: open work by status, and what was completed in the last 14 days.
    static func boardPage(_ request: Request, principal: Principal) async throws -> BoardPage {
        let since = Date().addingTimeInterval(-14 * 86400)
        var activeFilter = WorkOrderFilter()
        activeFilter.statuses = boardStatuses.filter { $0 != .completed }
        let active = try await WorkOrders.first(500, activeFilter, by: [("number", .descending)], principal: principal, on: request.db)
        var doneFilter = WorkOrderFilter()
        (doneFilter.statuses, doneFilter.completedSince) = ([.completed], since)
        let done = try await WorkOrders.first(50, doneFilter, by: [("completed_at", .descending)], principal: principal, on: request.db)
        let canMove = principal.can(.workOrdersWork) || principal.can(.workOrdersManage)
        let now = Date()
        let columns = boardStatuses.map { status in
            BoardColumn(
                status: status.rawValue, label: WebFormat.label(status.rawValue),
                cards: (active + done).filter { $0.status == status }.map { order in
                    let targets = canMove ? moves(from: order.status) : []
                    let row = WebHome.row(order, now: now)
                    let json = (try? JSONEncoder().encode(targets.map(\.to.rawValue))).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
                    return BoardCard(
                        id: row.id, number: row.number, title: row.title, priority: row.priority, due: row.due, overdue: row.overdue,
                        version: order.version,
                        moves: targets.map { Option(value: $0.to.rawValue, label: WebFormat.label($0.to.rawValue), selected: false) },
                        movesJSON: json)
                })
        }
        let page = BoardPage(
            page: try await WebSession.page("Board", section: "board", principal: principal, request: request), columns: columns,
            canMove: canMove)
        return page
    }

    /// A card dropped on a column (or moved with the card's own form): the state machine's action that leads
    /// there, through the API's transition. A move that needs a note (hold, complete) without one shows the work
    /// order's page with the API's field error, where the note is written.
    @Sendable static func move(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        let id = try request.pathID("workOrderID")
        let order = try await principal.findInSite(WorkOrder.self, id, on: request.db)
        let target = (try? request.content.get(String.self, at: "to")).flatMap(WorkOrderStatus.init(rawValue:))
        guard let target, let move = moves(from: order.status).first(where: { $0.to == target }) else {
            let possible = moves(from: order.status).map { WebFormat.label($0.to.rawValue) }.joined(separator: ", ")
            throw AppError.conflict(
                "A \(WebFormat.label(order.status.rawValue).lowercased()) work order cannot move there"
                    + (possible.isEmpty ? "." : "; it can move to: \(possible)."))
        }
        let fromBoard = (try? request.content.get(String.self, at: "from")) == "board"
        let response = try await perform(
            request, form: "status", fields: ["reason": .text, "resolutionNote": .text],
            done: "\(WorkOrder.displayNumber(order.number)) moved to \(WebFormat.label(target.rawValue).lowercased())."
        ) { id, body, principal, expected in
            _ = try await WorkOrders.move(id, move.action, body: { body }, expected: expected, principal: principal, through: request)
        }
        // From the board, success goes back to the board.
        if response.status == .seeOther, fromBoard {
            return request.redirect(to: "/work-orders/board", redirectType: .normal)
        }
        return response
    }

    // MARK: New from text

    struct NewPage: Encodable {
        var page: PageContext
        var text: String
        var sites: [Option]
        var draft: Bool
        var title: String
        var description: String
        var priorities: [Option]
        var types: [Option]
        var assets: [Option]
        var faultCodes: String
        var signals: [String]
        var errors: [String: String]
        var problem: String?
    }

    static func newPage(
        _ request: Request, principal: Principal, text: String = "", site: String? = nil, draft: WorkOrders.TextDraftDTO? = nil,
        errors: [String: String] = [:], problem: String? = nil
    ) async throws -> NewPage {
        let priority = draft?.priority.rawValue ?? WorkOrderPriority.medium.rawValue
        let type = draft?.type.rawValue ?? WorkOrderType.corrective.rawValue
        var assets: [Option] = [Option(value: "", label: "No asset", selected: draft?.asset == nil)]
        if let draft {
            assets += ([draft.asset].compactMap { $0 } + draft.alternatives).map {
                Option(
                    value: $0.id.uuidString, label: "\($0.tag) \($0.name) (\(Int(($0.score * 100).rounded()))%)",
                    selected: $0.id == draft.asset?.id)
            }
        }
        return NewPage(
            page: try await WebSession.page("New work order", section: "work-orders", principal: principal, request: request), text: text,
            sites: try await WebOption.sites(principal, selected: site ?? draft?.siteId?.uuidString, on: request.db), draft: draft != nil,
            title: draft?.title ?? "", description: draft?.description ?? "",
            priorities: WorkOrderPriority.allCases.reversed().map {
                Option(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: $0.rawValue == priority)
            },
            types: WorkOrderType.allCases.map {
                Option(value: $0.rawValue, label: WebFormat.label($0.rawValue), selected: $0.rawValue == type)
            },
            assets: assets, faultCodes: draft?.faultCodes.joined(separator: ", ") ?? "", signals: draft?.signals ?? [], errors: errors,
            problem: problem)
    }

    @Sendable static func newForm(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersCreate, request)
        return try await WebPage.render("work-order-new", try await newPage(request, principal: principal), for: request)
    }

    /// "New from text": the API's parser drafts the order; the page shows the draft to confirm or edit.
    @Sendable static func parseText(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersCreate, request)
        let text = (try? request.content.get(String.self, at: "text")) ?? ""
        let site = try? request.content.get(String.self, at: "siteId")
        var body = JSONBody(values: WebAPI.body(request, ["text": .text, "siteId": .text]))
        return try await WebForm.orRefused(request, template: "work-order-new") {
            let draft = try await WorkOrders.draft(from: &body, principal: principal, on: request.db)
            return try await WebPage.render(
                "work-order-new", try await newPage(request, principal: principal, text: text, site: site, draft: draft), for: request)
        } page: { errors, problem in
            try await newPage(request, principal: principal, text: text, site: site, errors: errors, problem: problem)
        }
    }

    /// The confirmed draft (or a form filled by hand) becomes a work order through the API's create.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersCreate, request)
        var body = WebAPI.body(
            request,
            ["title": .text, "description": .text, "priority": .text, "type": .text, "siteId": .text, "assetId": .text, "dueAt": .text])
        if case .string(let codes)? = WebAPI.body(request, ["faultCodes": .text])["faultCodes"] {
            body["faultCodes"] = .array(
                codes.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") })
        }
        if (try? request.content.get(String.self, at: "fromText")) == "true" { body["source"] = .string("text") }
        // What was typed, kept for the page shown again on a refusal.
        let typed = WebForm.values(request, ["text", "siteId", "title", "description", "faultCodes"])
        return try await WebForm.orRefused(request, template: "work-order-new") {
            var json = JSONBody(values: body)
            let created = try await WorkOrders.create(from: &json, principal: principal, through: request)
            WebSession.flash("Work order \(created.number) created.", request)
            return request.redirect(to: "/work-orders/\(created.id)", redirectType: .normal)
        } page: { errors, problem in
            var page = try await newPage(
                request, principal: principal, text: typed["text"] ?? "", site: typed["siteId"], errors: errors, problem: problem)
            page.draft = true
            page.title = typed["title"] ?? ""
            page.description = typed["description"] ?? ""
            page.faultCodes = typed["faultCodes"] ?? ""
            return page
        }
    }
}
