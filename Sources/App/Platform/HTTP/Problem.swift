import Vapor

/// An RFC 9457 problem document.
public struct Problem: Content, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldProblem]?
    /// For a refused state change: the actions allowed now (`urn:millwright:problem:transition`).
    public var allowed: [String]?
    public var requestId: String?

    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])

    init(
        status: HTTPResponseStatus, detail: String?, errors: [FieldProblem]? = nil, allowed: [String]? = nil, type: String? = nil,
        requestId: String?
    ) {
        self.type = type ?? "about:blank"
        self.title = status.reasonPhrase
        self.status = Int(status.code)
        self.detail = detail
        self.errors = errors.flatMap { $0.isEmpty ? nil : $0 }
        self.allowed = allowed
        self.requestId = requestId
    }

    func response(headers extra: HTTPHeaders = [:]) -> Response {
        var headers = extra
        headers.contentType = Self.mediaType
        let body = (try? JSONEncoder.api.encode(self)) ?? Data()
        return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .init(data: body))
    }
}

extension AppError {
    func problem(requestId: String?) -> (Problem, HTTPHeaders) {
        var headers = HTTPHeaders()
        let problem: Problem
        switch self {
        case .validation(let errors):
            problem = Problem(
                status: status, detail: "The request has \(errors.count) invalid field\(errors.count == 1 ? "" : "s").",
                errors: errors, type: "urn:millwright:problem:validation", requestId: requestId)
        case .badRequest(let detail, let errors):
            problem = Problem(status: status, detail: detail, errors: errors, requestId: requestId)
        case .tooManyRequests(let detail, let retryAfter):
            headers.replaceOrAdd(name: .retryAfter, value: String(max(1, retryAfter)))
            problem = Problem(status: status, detail: detail, requestId: requestId)
        case .illegalTransition(let detail, let allowed):
            problem = Problem(
                status: status, detail: detail, allowed: allowed, type: "urn:millwright:problem:transition", requestId: requestId)
        case .unauthorized(let detail):
            headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
            problem = Problem(status: status, detail: detail, requestId: requestId)
        case .forbidden(let detail), .notFound(let detail), .conflict(let detail), .preconditionFailed(let detail),
            .unsupportedMediaType(let detail), .payloadTooLarge(let detail), .serviceUnavailable(let detail):
            problem = Problem(status: status, detail: detail, requestId: requestId)
        }
        return (problem, headers)
    }
}

extension JSONEncoder {
    /// The API's encoder: ISO 8601 UTC dates.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Sorted keys, ISO 8601 dates, no whitespace: the same value always gives the same bytes (audit hashing).
    static var canonical: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
