import Vapor

/// Optimistic concurrency: reads carry `ETag: "<version>"`, updates may send `If-Match` and get 412 when stale.
enum ETag {
    static func value(_ version: Int) -> String { "\"\(version)\"" }

    /// Throws 412 when the request's `If-Match` names none of the current version. No `If-Match`: no check.
    static func check(_ request: Request, currentVersion: Int) throws {
        try check(expected: expected(request), currentVersion: currentVersion)
    }

    /// The versions a request's `If-Match` names (`W/` dropped); empty when it sends none. An operation takes
    /// these, so the API and a page (``expected(version:)``) refuse a stale change alike.
    static func expected(_ request: Request) -> [String] {
        request.headers[.ifMatch].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "")
        }
    }

    /// The version a page's form was read at (its hidden `version` field), as an `If-Match` would name it.
    static func expected(version: String?) -> [String] {
        guard let version, !version.isEmpty else { return [] }
        return ["\"\(version)\""]
    }

    /// Throws 412 when `expected` names none of the current version. Nothing expected (or `*`): no check.
    static func check(expected values: [String], currentVersion: Int) throws {
        guard !values.isEmpty, !values.contains("*") else { return }
        guard values.contains(value(currentVersion)) else {
            throw AppError.preconditionFailed(
                "The resource changed since you read it (it is now at version \(currentVersion)). Read it again and retry.")
        }
    }
}

extension Response {
    func setETag(version: Int) {
        headers.replaceOrAdd(name: .eTag, value: ETag.value(version))
    }
}

extension Content {
    /// Encodes as the API's JSON with an `ETag`, and `status`.
    func response(status: HTTPResponseStatus = .ok, version: Int?, for request: Request) async throws -> Response {
        let response = try await encodeResponse(status: status, for: request)
        if let version { response.setETag(version: version) }
        return response
    }
}
