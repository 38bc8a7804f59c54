import Fluent
import Foundation
import Maintenance

/// The home page: for the people who do the work, their work today, what is overdue and their recent diagnoses;
/// for those who plan it, the backlog by priority, overdue PMs, open requests, low stock and the work-order trend.
struct WebHome: Encodable {
    struct WorkOrderRow: Encodable {
        var id: String
        var number: String
        var title: String
        var status: String
        var statusLabel: String
        var priority: String
        var due: String?
        var overdue: Bool
    }

    struct Count: Encodable {
        var label: String
        var key: String
        var count: Int
    }

    struct Line: Encodable {
        var href: String
        var title: String
        var detail: String
    }

    var page: PageContext
    var showsWork: Bool
    var myWork: [WorkOrderRow] = []
    var myOverdue = 0
    var recentDiagnoses: [Line] = []
    var showsManagement: Bool
    /// For those who send requests and do not decide on them: theirs, newest first.
    var myRequests: [Line] = []
    var backlog: [Count] = []
    var overduePMs: [Line] = []
    var openRequests: [Line] = []
    var lowStock: [Line] = []
    /// An SVG bar chart, made here from numbers only.
    var trendChart = ""
    var trendSummary = ""

    static let openStatuses: [WorkOrderStatus] = [.open, .inProgress, .onHold, .reopened]

    static func build(principal: Principal, page: PageContext, on db: any Database, now: Date = Date()) async throws -> WebHome {
        var home = WebHome(
            page: page, showsWork: principal.can(.workOrdersWork) && !principal.can(.workOrdersManage),
            showsManagement: principal.can(.workOrdersManage))
        let newest = { (limit: Int) in ListParameters(limit: limit, sortName: "createdAt", descending: true) }
        if home.showsWork, let userID = principal.userID {
            var filter = WorkOrderFilter()
            (filter.statuses, filter.assigneeID) = (openStatuses, userID)
            home.myWork = try await WorkOrders.first(
                50, filter, by: [("due_at", .ascending), ("number", .ascending)], principal: principal, on: db
            )
            .map { row($0, now: now) }
            home.myOverdue = home.myWork.filter(\.overdue).count
        }
        if principal.can(.diagnosesRead), let userID = principal.userID {
            let diagnoses = try await Diagnoses.list(createdBy: userID, newest(5), principal: principal, on: db).items
            home.recentDiagnoses = diagnoses.map(Line.init(diagnosis:))
        }
        if principal.can(.requestsCreate) && !principal.can(.requestsManage), principal.userID != nil {
            // Theirs: one who does not manage requests lists only their own.
            let mine = try await Requests.list(newest(10), principal: principal, on: db).items
            home.myRequests = mine.map {
                Line(href: "/requests#request-\($0.id.uuidString)", title: $0.title, detail: WebFormat.label($0.status.rawValue))
            }
        }
        guard home.showsManagement else { return home }

        let backlog = try await WorkOrderCounts.backlog(principal: principal, statuses: openStatuses, on: db)
        home.backlog = WorkOrderPriority.allCases.reversed().map { priority in
            Count(label: priority.rawValue.capitalized, key: priority.rawValue, count: backlog[priority] ?? 0)
        }
        let pms = try await PMSchedules.list(
            active: true, dueBefore: now, .init(limit: 10, sortName: "nextDueAt", descending: false), principal: principal, on: db
        ).items
        home.overduePMs = pms.map {
            Line(href: "/pm-schedules", title: $0.title, detail: "due \(WebFormat.date($0.nextDueAt))")
        }
        if principal.can(.requestsManage) {
            let requests = try await Requests.list(status: .pending, newest(10), principal: principal, on: db).items
            home.openRequests = requests.map {
                Line(href: "/requests#request-\($0.id.uuidString)", title: $0.title, detail: "sent \(WebFormat.date($0.createdAt))")
            }
        }
        if principal.can(.partsRead) {
            let levels = try await Stock.levels(
                StockFilter(lowOnly: true), .init(limit: 10, sortName: "createdAt", descending: false), principal: principal, on: db
            ).items
            let names = try await principal.names(
                Set(levels.map(\.partId)), table: Part.schema, label: #""number" || ' ' || "name""#, on: db)
            home.lowStock = levels.map {
                Line(
                    href: "/parts/\($0.partId.uuidString)", title: names[$0.partId] ?? "Part",
                    detail: "\(WebFormat.number($0.quantity)) on hand, minimum \(WebFormat.number($0.minimum))")
            }
        }
        let weeks = 8
        let start = Calendar(identifier: .iso8601).startOfDay(for: now.addingTimeInterval(-Double(weeks * 7 - 1) * 86400))
        let createdCounts = try await WorkOrderCounts.perWeek("created_at", from: start, weeks: weeks, principal: principal, on: db)
        let completedCounts = try await WorkOrderCounts.perWeek("completed_at", from: start, weeks: weeks, principal: principal, on: db)
        home.trendChart = WebChart.groupedBars(
            title: "Work orders created and completed per week, last \(weeks) weeks",
            series: [("Created", createdCounts), ("Completed", completedCounts)])
        home.trendSummary =
            "\(createdCounts.reduce(0, +)) created and \(completedCounts.reduce(0, +)) completed in the last \(weeks) weeks."
        return home
    }

    static func row(_ order: WorkOrder.DTO, now: Date) -> WorkOrderRow {
        WorkOrderRow(
            id: order.id.uuidString, number: order.number, title: order.title, status: order.status.rawValue,
            statusLabel: WebFormat.label(order.status.rawValue), priority: order.priority.rawValue,
            due: order.dueAt.map { WebFormat.date($0) },
            overdue: order.dueAt.map { $0 < now } ?? false && ![.completed, .cancelled].contains(order.status))
    }
}

extension WebHome.Line {
    /// A diagnosis in a list: the question, and the answer's title or that there was none.
    init(diagnosis record: DiagnosisRecord.DTO) {
        self.init(
            href: "/diagnoses/\(record.id.uuidString)", title: record.query,
            detail: record.confident ? (record.candidates.first?.title ?? "") : "no confident answer")
    }
}
