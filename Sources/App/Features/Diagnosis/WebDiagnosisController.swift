import Diagnostics
import Fluent
import Vapor

/// The diagnose page: type a code or a symptom, or take a photo of the display; the answer with its safety
/// notes first, causes, steps and source; "this fixed it / didn't help"; "create a work order".
struct WebDiagnosisController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("diagnose", use: Self.form)
        // A photo is up to the attachment limit.
        routes.on(.POST, "diagnose", body: .collect(maxSize: "12mb"), use: Self.create)
        routes.get("diagnoses", ":diagnosisID", use: Self.show)
        routes.post("diagnoses", ":diagnosisID", "feedback", use: Self.feedback)
        routes.post("diagnoses", ":diagnosisID", "work-order", use: Self.workOrder)
    }

    struct FormPage: Encodable {
        var page: PageContext
        var query: String
        var errors: [String: String]
        var recent: [WebHome.Line]
    }

    static func formPage(_ request: Request, principal: Principal, query: String = "", errors: [String: String] = [:]) async throws
        -> FormPage
    {
        let page = try await WebSession.page("Diagnose", section: "diagnose", principal: principal, request: request)
        let recent = try await Diagnoses.list(
            .init(limit: 10, sortName: "createdAt", descending: true), principal: principal, on: request.db
        )
        .items
        return FormPage(
            page: page, query: query, errors: errors,
            recent: recent.map(WebHome.Line.init(diagnosis:)))
    }

    @Sendable static func form(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.diagnosesCreate, request)
        return try await WebPage.render(
            "diagnose", try await formPage(request, principal: principal, query: request.queryParameter("q") ?? ""),
            for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.diagnosesCreate, request)
        do {
            let input = try await DiagnosisInput.read(request, imageRequired: false)
            let record = try await Diagnoses.diagnose(input, principal: principal, request: request)
            return request.redirect(to: "/diagnoses/\(try record.requireID())", redirectType: .normal)
        } catch AppError.validation(let problems) {
            let query = (try? request.content.get(String.self, at: "query")) ?? ""
            return try await WebPage.render(
                "diagnose", try await formPage(request, principal: principal, query: query, errors: WebForm.errors(problems)),
                status: .unprocessableEntity, for: request)
        }
    }

    /// One candidate as the page shows it.
    struct CandidateView: Encodable {
        var atomId: String
        var title: String
        var summary: String
        var family: String
        var codes: String
        var confidence: Int
        var safetyLevel: String
        var safetyNotes: [String]
        var causes: [String]
        var actions: [String]
        var source: String
        var sourceURL: String?
    }

    struct ResultPage: Encodable {
        var page: PageContext
        var id: String
        var query: String
        var confident: Bool
        var unmatched: [String]
        var detected: String
        var ocrText: String?
        var first: CandidateView?
        var others: [CandidateView]
        var phrasing: String?
        var history: [WebHome.Line]
        var workOrder: String?
        var canFeedback: Bool
        var canCreateWorkOrder: Bool
        var feedbackGiven: [String]
        var createdAt: String
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.diagnosesRead, request)
        return try await WebPage.render("diagnosis", try await resultPage(request, principal: principal), for: request)
    }

    /// A diagnosis's page: the answer as it was given, and the feedback on it.
    static func resultPage(_ request: Request, principal: Principal) async throws -> ResultPage {
        let record = try await Diagnoses.read(request.pathID("diagnosisID"), principal: principal, on: request.db)
        let page = try await WebSession.page("Diagnosis", section: "diagnose", principal: principal, request: request)
        let candidates = record.candidates.map(view)
        let detected = record.detected
        let given = try await Diagnoses.feedback(on: record.id, principal: principal, on: request.db)
            .map { "\(WebFormat.label($0.outcome.rawValue)) for \($0.atomId)" }
        let result = ResultPage(
            page: page, id: record.id.uuidString, query: record.query, confident: record.confident,
            unmatched: record.unmatched,
            detected: [detected.manufacturer, detected.familyName, detected.codes.isEmpty ? nil : detected.codes.joined(separator: ", ")]
                .compactMap { $0 }.joined(separator: " · "),
            ocrText: record.ocr?.text, first: record.confident ? candidates.first : nil,
            others: record.confident ? Array(candidates.dropFirst()) : candidates,
            phrasing: record.phrasing?.status == .phrased ? record.phrasing?.text : nil,
            history: record.history.map {
                WebHome.Line(
                    href: "/work-orders/\($0.workOrderId)", title: "\($0.number) \($0.title)",
                    detail: [$0.status, $0.resolutionNote].compactMap { $0 }.joined(separator: ": "))
            },
            workOrder: record.workOrderId?.uuidString, canFeedback: principal.can(.diagnosesCreate) && !candidates.isEmpty,
            canCreateWorkOrder: principal.can(.workOrdersCreate) && record.workOrderId == nil, feedbackGiven: given,
            createdAt: WebFormat.dateTime(record.createdAt))
        return result
    }

    static func view(_ candidate: Diagnosis.Candidate) -> CandidateView {
        CandidateView(
            atomId: candidate.atomId, title: candidate.title, summary: candidate.summary,
            family: "\(candidate.manufacturer) \(candidate.familyName)", codes: candidate.faultCodes.joined(separator: ", "),
            confidence: Int((candidate.confidence * 100).rounded()), safetyLevel: candidate.safety.level.rawValue,
            safetyNotes: candidate.safety.notes, causes: candidate.causes, actions: candidate.actions,
            source: [candidate.source.document, candidate.source.section].compactMap { $0 }.joined(separator: ", "),
            // Stored text becomes a link only as a web address, whatever was stored before the rule existed.
            sourceURL: candidate.source.url.flatMap { AtomRules.isWebURL($0) ? $0 : nil })
    }

    @Sendable static func feedback(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.diagnosesCreate, request)
        let record = try await Diagnoses.find(principal, request.pathID("diagnosisID"), on: request.db)
        struct Form: Content {
            var outcome: String?
            var atomId: String?
        }
        let form = WebForm.decode(Form.self, request) ?? Form()
        var values: [String: JSONValue] = [:]
        if let outcome = form.outcome { values["outcome"] = .string(outcome) }
        if let atomID = form.atomId { values["atomId"] = .string(atomID) }
        var body = JSONBody(values: values)
        _ = try await Diagnoses.recordFeedback(body: &body, on: record, principal: principal, request: request)
        WebSession.flash("Thank you: your feedback ranks this answer for your team.", request)
        return request.redirect(to: "/diagnoses/\(try record.requireID())", redirectType: .normal)
    }

    @Sendable static func workOrder(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.workOrdersCreate, request)
        let record = try await Diagnoses.find(principal, request.pathID("diagnosisID"), on: request.db)
        if let existing = record.workOrderID { return request.redirect(to: "/work-orders/\(existing)", redirectType: .normal) }
        var body = JSONBody(values: [:])
        if record.assetID == nil {
            // A work order needs a site; without an asset, the member's only (or first) site.
            if let site = try await principal.rows(Site.DTO.self, siteColumn: "id", orderedBy: "name", limit: 1, on: request.db).first {
                body = JSONBody(values: ["siteId": .string(site.id.uuidString)])
            }
        }
        let dto = try await Diagnoses.makeWorkOrder(body: &body, from: record, principal: principal, request: request)
        WebSession.flash("Work order \(dto.number) created from the diagnosis.", request)
        return request.redirect(to: "/work-orders/\(dto.id)", redirectType: .normal)
    }
}
