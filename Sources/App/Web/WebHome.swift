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
        if home.showsWork, let userID = principal.userID {
            let query = principal.siteQuery(WorkOrder.self, on: db).filter(\.$status ~~ openStatuses)
            try query.filterContains(arrayColumn: "assignee_ids", id: userID)
            let mine = try await query.sort(\.$dueAt).sort(\.$number).limit(50).all()
            home.myWork = mine.map { row($0, now: now) }
            home.myOverdue = home.myWork.filter(\.overdue).count
        }
        if principal.can(.diagnosesRead), let userID = principal.userID {
            let diagnoses = try await principal.query(DiagnosisRecord.self, on: db).filter(\.$createdByUserID == userID)
                .sort(\.$createdAt, .descending).limit(5).all()
            home.recentDiagnoses = diagnoses.map(Line.init(diagnosis:))
        }
        if principal.can(.requestsCreate) && !principal.can(.requestsManage), let userID = principal.userID {
            let mine = try await principal.siteQuery(MaintenanceRequest.self, on: db).filter(\.$requesterUserID == userID)
                .sort(\.$createdAt, .descending).limit(10).all()
            home.myRequests = mine.map {
                Line(href: "/requests#request-\($0.id?.uuidString ?? "")", title: $0.title, detail: WebFormat.label($0.status.rawValue))
            }
        }
        guard home.showsManagement else { return home }

        let priorities = try await principal.siteQuery(WorkOrder.self, on: db).filter(\.$status ~~ openStatuses).all(\.$priority)
        home.backlog = WorkOrderPriority.allCases.reversed().map { priority in
            Count(label: priority.rawValue.capitalized, key: priority.rawValue, count: priorities.filter { $0 == priority }.count)
        }
        let pms = try await principal.siteQuery(PMSchedule.self, on: db).filter(\.$active == true).filter(\.$nextDueAt < now)
            .sort(\.$nextDueAt).limit(10).all()
        home.overduePMs = pms.map {
            Line(href: "/pm-schedules", title: $0.title, detail: "due \(WebFormat.date($0.nextDueAt))")
        }
        if principal.can(.requestsManage) {
            let requests = try await principal.siteQuery(MaintenanceRequest.self, on: db).filter(\.$status == .pending)
                .sort(\.$createdAt, .descending).limit(10).all()
            home.openRequests = requests.map {
                Line(href: "/requests#request-\($0.id?.uuidString ?? "")", title: $0.title, detail: "sent \(WebFormat.date($0.createdAt))")
            }
        }
        if principal.can(.partsRead) {
            let levels = try await principal.query(StockLevel.self, on: db)
                .filter(.sql(unsafeRaw: "\"stock_levels\".\"quantity\" < \"stock_levels\".\"minimum\"")).limit(10).all()
            let parts = try await principal.query(Part.self, on: db).filter(\.$id ~~ levels.map(\.partID)).all()
            let names = Dictionary(uniqueKeysWithValues: parts.compactMap { part in part.id.map { ($0, "\(part.number) \(part.name)") } })
            home.lowStock = levels.map {
                Line(
                    href: "/parts/\($0.partID.uuidString)", title: names[$0.partID] ?? "Part",
                    detail: "\(WebFormat.number($0.quantity)) on hand, minimum \(WebFormat.number($0.minimum))")
            }
        }
        let weeks = 8
        let start = Calendar(identifier: .iso8601).startOfDay(for: now.addingTimeInterval(-Double(weeks * 7 - 1) * 86400))
        let created = try await principal.siteQuery(WorkOrder.self, on: db).filter(\.$createdAt >= start).all(\.$createdAt)
        let completed = try await principal.siteQuery(WorkOrder.self, on: db).filter(\.$completedAt >= start).all(\.$completedAt)
        func perWeek(_ dates: [Date?]) -> [Int] {
            var counts = Array(repeating: 0, count: weeks)
            for case let date? in dates {
                let week = Int(date.timeIntervalSince(start) / (7 * 86400))
                if (0..<weeks).contains(week) { counts[week] += 1 }
            }
            return counts
        }
        let createdCounts = perWeek(created)
        let completedCounts = perWeek(completed)
        home.trendChart = WebChart.groupedBars(
            title: "Work orders created and completed per week, last \(weeks) weeks",
            series: [("Created", createdCounts), ("Completed", completedCounts)])
        home.trendSummary =
            "\(createdCounts.reduce(0, +)) created and \(completedCounts.reduce(0, +)) completed in the last \(weeks) weeks."
        return home
    }

    static func row(_ order: WorkOrder, now: Date) -> WorkOrderRow {
        WorkOrderRow(
            id: order.id?.uuidString ?? "", number: WorkOrder.displayNumber(order.number), title: order.title,
            status: order.status.rawValue, statusLabel: WebFormat.label(order.status.rawValue), priority: order.priority.rawValue,
            due: order.dueAt.map { WebFormat.date($0) },
            overdue: order.dueAt.map { $0 < now } ?? false && ![.completed, .cancelled].contains(order.status))
    }
}

/// How pages write dates, numbers and enum values.
enum WebFormat {
    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601.year().month().day())
    }

    static func dateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false)) + " UTC"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// `in_progress` → `In progress`.
    static func label(_ raw: String) -> String {
        let spaced = raw.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}

/// SVG charts drawn on the server: no script, readable by screen readers through their title and description.
enum WebChart {
    /// Bars side by side per period, one colour per series, with a legend.
    static func groupedBars(title: String, series: [(name: String, values: [Int])]) -> String {
        let width = 320.0
        let height = 140.0
        let top = 10.0
        let bottom = 20.0
        let periods = series.map(\.values.count).max() ?? 0
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let slot = periods > 0 ? width / Double(periods) : width
        let barWidth = max(2, (slot - 6) / Double(max(1, series.count)))
        let colours = ["#2f6690", "#3a7d44", "#a4161a", "#d98e04"]
        var parts = [
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height + 18))\" role=\"img\" aria-labelledby=\"chart-title\">",
            "<title id=\"chart-title\">\(HTMLPage.escape(title))</title>",
        ]
        for (seriesIndex, entry) in series.enumerated() {
            for (period, value) in entry.values.enumerated() {
                let barHeight = (height - top - bottom) * Double(value) / Double(maximum)
                let x = Double(period) * slot + 3 + Double(seriesIndex) * barWidth
                let y = height - bottom - barHeight
                parts.append(
                    "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(barWidth - 1))\" height=\"\(fmt(barHeight))\" "
                        + "fill=\"\(colours[seriesIndex % colours.count])\"><title>\(HTMLPage.escape(entry.name)): \(value)</title></rect>")
            }
        }
        parts.append("<line x1=\"0\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width))\" y2=\"\(fmt(height - bottom))\" stroke=\"#888\"/>")
        for (index, entry) in series.enumerated() {
            let x = 4 + Double(index) * 110
            parts.append(
                "<rect x=\"\(fmt(x))\" y=\"\(fmt(height))\" width=\"10\" height=\"10\" fill=\"\(colours[index % colours.count])\"/>"
                    + "<text x=\"\(fmt(x + 14))\" y=\"\(fmt(height + 9))\" font-size=\"10\">\(HTMLPage.escape(entry.name))</text>")
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// A line through readings over time, with the first and last dates and the range on the axes.
    static func line(title: String, points: [(date: Date, value: Double)]) -> String {
        guard points.count >= 2, let first = points.first, let last = points.last else {
            return "<p class=\"muted\">\(points.isEmpty ? "No readings yet." : "One reading so far.")</p>"
        }
        let width = 320.0
        let height = 120.0
        let left = 40.0
        let bottom = 18.0
        let low = points.map(\.value).min() ?? 0
        let high = points.map(\.value).max() ?? 1
        let span = max(high - low, 1e-9)
        let seconds = max(last.date.timeIntervalSince(first.date), 1)
        let coordinates = points.map { point -> String in
            let x = left + (width - left - 4) * point.date.timeIntervalSince(first.date) / seconds
            let y = 6 + (height - bottom - 6) * (1 - (point.value - low) / span)
            return "\(fmt(x)),\(fmt(y))"
        }
        return [
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\"><title>\(HTMLPage.escape(title))</title>",
            "<polyline fill=\"none\" stroke=\"#2f6690\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>",
            "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width))\" y2=\"\(fmt(height - bottom))\" stroke=\"#888\"/>",
            "<text x=\"0\" y=\"12\" font-size=\"10\">\(WebFormat.number(high))</text>",
            "<text x=\"0\" y=\"\(fmt(height - bottom))\" font-size=\"10\">\(WebFormat.number(low))</text>",
            "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 4))\" font-size=\"10\">\(WebFormat.date(first.date))</text>",
            "<text x=\"\(fmt(width))\" y=\"\(fmt(height - 4))\" font-size=\"10\" text-anchor=\"end\">\(WebFormat.date(last.date))</text>",
            "</svg>",
        ].joined()
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension WebHome.Line {
    /// A diagnosis in a list: the question, and the answer's title or that there was none.
    init(diagnosis record: DiagnosisRecord) {
        self.init(
            href: "/diagnoses/\(record.id?.uuidString ?? "")", title: record.query,
            detail: record.confident ? (record.result.candidates.first?.title ?? "") : "no confident answer")
    }
}
