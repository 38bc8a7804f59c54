import Vapor

/// The pages' forms: reading one, making its change through an operation, and showing it again with its field
/// problems (one message per field, next to it) when the change is refused.
enum WebForm {
    /// A form body, read only when it is `application/x-www-form-urlencoded` (what these pages' forms send):
    /// other encodings are treated as an empty form, so they fail the CSRF check.
    static func decode<F: Content>(_ type: F.Type, _ request: Request) -> F? {
        guard request.headers.contentType == .urlEncodedForm else { return nil }
        return try? request.content.decode(F.self)
    }

    /// The version the form's record was read at (its hidden `version` field), as an `If-Match` names it: what an
    /// operation checks, so a change from a stale page is refused like a stale API update.
    static func expectedVersion(_ request: Request) -> [String] {
        ETag.expected(version: try? request.content.get(String.self, at: "version"))
    }

    /// A page's form, the common way: `change` calls the operation, then a message and a redirect to `redirect`;
    /// a refusal shows `template` again, built by `page` from the field errors and the problem's detail.
    static func submit(
        _ request: Request, done message: String, redirect: String, template: String, _ change: () async throws -> Void,
        page: (_ errors: [String: String], _ problem: String?) async throws -> some Encodable
    ) async throws -> Response {
        try await orRefused(request, template: template) {
            try await change()
            WebSession.flash(message, request)
            return request.redirect(to: redirect, redirectType: .normal)
        } page: { errors, problem in
            try await page(errors, problem)
        }
    }

    /// Runs `work` (a change through an operation or an API handler); when it is refused, the page is shown again, built
    /// by `page` from the field errors and the problem's detail, with the status the API would answer.
    static func orRefused(
        _ request: Request, template: String, _ work: () async throws -> Response,
        page: (_ errors: [String: String], _ problem: String?) async throws -> some Encodable
    ) async throws -> Response {
        do {
            return try await work()
        } catch let error as AppError {
            let (problem, _) = error.problem(requestId: request.requestID)
            return try await WebPage.render(
                template, try await page(errors(problem.errors ?? []), problem.detail),
                status: HTTPResponseStatus(statusCode: problem.status),
                for: request)
        }
    }

    /// The form's fields as typed, to show again when the submit is refused: nothing typed is lost.
    static func values(_ request: Request, _ names: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for name in names { if let value = try? request.content.get(String.self, at: name) { values[name] = value } }
        return values
    }

    static func errors(_ problems: [FieldProblem]) -> [String: String] {
        var errors: [String: String] = [:]
        for problem in problems where errors[problem.field] == nil { errors[problem.field] = problem.message }
        return errors
    }
}
