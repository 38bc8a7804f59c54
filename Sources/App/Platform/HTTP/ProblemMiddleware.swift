import AsyncKit
import Fluent
import FluentSQLiteDriver
import Vapor

/// Turns every error into an `application/problem+json` response.
///
/// Replaces Vapor's `ErrorMiddleware`. Unexpected errors are logged with the request id and answered as a
/// bare 500 that reveals nothing internal.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let (problem, headers) = problem(for: error, request: request)
        return problem.response(headers: headers)
    }

    /// The problem an error is shown as (the web pages show the same one as a page), logging what needs it.
    static func problem(for error: any Error, request: Request) -> (Problem, HTTPHeaders) {
        let requestId = request.requestID
        switch error {
        case let error as AppError:
            let (problem, headers) = error.problem(requestId: requestId)
            if problem.status >= 500 { request.logger.error("\(problem.detail ?? problem.title)") }
            return (problem, headers)
        case let error as any DatabaseError where error.isConstraintFailure:
            // Two writers raced past the same uniqueness check; the loser learns it plainly.
            return AppError.conflict(
                "This conflicts with the stored records (a duplicate, or a reference to something that is gone); read them again and retry."
            ).problem(requestId: requestId)
        case _ where (error as? SQLiteError)?.isContention == true || (error as? SQLiteReadError)?.isContention == true:
            // Another process (a CLI command) held the database's write lock past the busy timeout.
            request.logger.warning("The SQLite write lock stayed taken past the busy timeout")
            let problem = AppError.serviceUnavailable("The database is busy with another program's change; try again in a few seconds.")
                .problem(requestId: requestId).0
            return (problem, ["Retry-After": "2"])
        case is ConnectionPoolTimeoutError:
            request.logger.error("No database connection became free in time")
            let problem = AppError.serviceUnavailable("The server is busy; try again in a few seconds.").problem(requestId: requestId).0
            return (problem, ["Retry-After": "5"])
        case let error as DecodingError:
            return AppError.badRequest("The request body could not be read.", [error.fieldProblem]).problem(requestId: requestId)
        case let error as any AbortError:
            let status = error.status
            if status.code >= 500 { request.logger.error("\(error.reason)") }
            let detail = status.code >= 500 ? nil : error.reason
            var headers = error.headers
            headers.remove(name: .contentType)
            return (Problem(status: status, detail: detail, requestId: requestId), headers)
        default:
            request.logger.error("Unexpected error: \(String(reflecting: error))")
            return (Problem(status: .internalServerError, detail: nil, requestId: requestId), [:])
        }
    }
}

extension DecodingError {
    /// The field path and a sentence about what was wrong with it.
    var fieldProblem: FieldProblem {
        func path(_ context: Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch self {
        case .typeMismatch(let type, let context):
            return FieldProblem(field: path(context), message: "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            return FieldProblem(field: path(context), message: "must be \(Self.describe(type)), not null")
        case .keyNotFound(let key, let context):
            return FieldProblem(field: path(context, appending: key), message: "is required")
        case .dataCorrupted(let context):
            let field = path(context)
            return FieldProblem(field: field.isEmpty ? "body" : field, message: "is not valid: \(context.debugDescription)")
        @unknown default:
            return FieldProblem(field: "body", message: "could not be decoded")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of the expected type"
        }
    }
}
