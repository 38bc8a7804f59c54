import Fluent
import Maintenance
import Vapor

/// The work-order pages: the list with the API's filters, and a work order's page.
struct WebWorkOrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("work-orders", use: Self.list)
        routes.get("work-orders", ":workOrderID", use: Self.show)
    }

    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct ListPage: Encodable {
        var page: PageContext
        var rows: [WebHome.WorkOrderRow]
        var statuses: [Option]
        var priorities: [Option]
        var q: String
        var mine: Bool
        var overdue: Bool
        var nextPage: String?
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        // A form sends its empty fields; an empty filter is no filter.
        var components = URLComponents()
        components.percentEncodedQuery = request.url.query
        let items = (components.queryItems ?? []).filter { !($0.value ?? "").isEmpty }
        components.queryItems = items.isEmpty ? nil : items
        request.url.query = components.percentEncodedQuery
        if request.query[String.self, at: "mine"] == "on" {
            request.url.query = [request.url.query, "assigneeId=me"].compactMap { $0 }.joined(separator: "&")
        }
        let query = try WorkOrderController.filtered(request, principal: principal)
        let parameters = try ListParameters(
            request, sortable: WorkOrderController.sortFields.map(\.name), defaultSort: "-number")
        let (orders, next) = try await query.paginate(parameters, sortFields: WorkOrderController.sortFields)
        let status = request.query[String.self, at: "status"] ?? ""
        let priority = request.query[String.self, at: "priority"] ?? ""
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
            q: request.query[String.self, at: "q"] ?? "", mine: request.query[String.self, at: "mine"] == "on",
            overdue: request.query[String.self, at: "overdue"] == "true", nextPage: nextPage)
        return try await WebPage.render("work-orders", page, for: request)
    }

    struct DetailPage: Encodable {
        var page: PageContext
        var order: WorkOrder.DTO
        var status: String
        var statusLabel: String
        var due: String
        var created: String
        var asset: String?
        var site: String?
        var diagnosis: String?
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        let order = try await principal.findInSite(WorkOrder.self, request.pathID("workOrderID"), on: request.db)
        var asset: Asset?
        if let assetID = order.assetID { asset = try await Asset.find(assetID, on: request.db) }
        let site = try await Site.find(order.siteID, on: request.db)
        let page = DetailPage(
            page: try await WebSession.page(
                WorkOrder.displayNumber(order.number), section: "work-orders", principal: principal, request: request),
            order: order.dto, status: order.status.rawValue, statusLabel: WebFormat.label(order.status.rawValue),
            due: WebFormat.date(order.dueAt), created: WebFormat.dateTime(order.createdAt), asset: asset.map { "\($0.tag) \($0.name)" },
            site: site?.name, diagnosis: order.diagnosisID?.uuidString)
        return try await WebPage.render("work-order", page, for: request)
    }
}
