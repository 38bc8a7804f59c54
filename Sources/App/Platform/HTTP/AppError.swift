import Vapor

/// One problem with one field of a request, as listed in a problem+json `errors` array.
public struct FieldProblem: Content, Equatable, Sendable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The errors the platform answers with on purpose. ``ProblemMiddleware`` maps each to problem+json.
public enum AppError: Error, Sendable {
    /// 422: the request was understood but fields are wrong; every problem is listed.
    case validation([FieldProblem])
    /// 400: the request itself is malformed (not JSON, bad query string).
    case badRequest(String, [FieldProblem] = [])
    case unauthorized(String)
    case forbidden(String)
    /// 404; also what a caller sees for another tenant's ids.
    case notFound(String)
    case conflict(String)
    /// 409 for an action the work order's state does not allow; `allowed` lists the actions it does (machine-readable).
    case illegalTransition(String, allowed: [String])
    /// 412: `If-Match` names a version that is no longer current.
    case preconditionFailed(String)
    case unsupportedMediaType(String)
    /// 413: the body is larger than the configured limit.
    case payloadTooLarge(String)
    case tooManyRequests(String, retryAfter: Int)
    case serviceUnavailable(String)

    var status: HTTPResponseStatus {
        switch self {
        case .validation: .unprocessableEntity
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .illegalTransition: .conflict
        case .preconditionFailed: .preconditionFailed
        case .unsupportedMediaType: .unsupportedMediaType
        case .payloadTooLarge: .payloadTooLarge
        case .tooManyRequests: .tooManyRequests
        case .serviceUnavailable: .serviceUnavailable
        }
    }

    /// Shorthand for a single-field validation error.
    static func invalid(_ field: String, _ message: String) -> AppError {
        .validation([FieldProblem(field: field, message: message)])
    }
}
