import Vapor

/// PM compliance over a period, as the API computes it (SMRP's on-time rule).
struct WebPMController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("pm-schedules", "compliance", use: Self.compliance)
    }

    struct CompliancePage: Encodable {
        var page: PageContext
        var from: String
        var to: String
        var due: Int
        var onTime: Int
        var late: Int
        var notCompleted: Int
        var percent: String
        var rule: String
        var chart: String
    }

    @Sendable static func compliance(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersRead, request)
        return try await WebPage.render("pm-compliance", try await compliancePage(request, principal: principal), for: request)
    }

    /// The compliance page's context for the period the form names (by default, the last 90 days).
    static func compliancePage(_ request: Request, principal: Principal) async throws -> CompliancePage {
        // The form sends dates as days, read as the start of the day (UTC); what is not shaped as a day is left out
        // (the default period), a day that does not exist is a 400 naming the field.
        func day(_ name: String) throws -> Date? {
            guard let text = request.queryParameter(name), let start = WebAPI.dayStart(text) else { return nil }
            guard let start = JSONBody.parseDate(start) else {
                throw AppError.badRequest(
                    "A query parameter is not valid.", [FieldProblem(field: name, message: "must be an ISO 8601 date-time")])
            }
            return start
        }
        let result = try await PMSchedules.compliance(
            from: try day("from"), to: try day("to"), principal: principal, on: request.db)
        let page = CompliancePage(
            page: try await WebSession.page("PM compliance", section: "pm-schedules", principal: principal, request: request),
            from: WebFormat.date(result.from), to: WebFormat.date(result.to), due: result.due, onTime: result.completedOnTime,
            late: result.completedLate, notCompleted: result.notCompleted,
            percent: result.compliance.map { "\(Int(($0 * 100).rounded()))%" } ?? "—", rule: result.rule,
            chart: WebChart.groupedBars(
                title: "PM work orders due in the period: on time, late, not completed",
                series: [("On time", [result.completedOnTime]), ("Late", [result.completedLate]), ("Not done", [result.notCompleted])]))
        return page
    }
}
