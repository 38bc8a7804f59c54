import Vapor

/// Gives every request an id: the caller's `X-Request-Id` when it is sane, otherwise Vapor's. The id goes into
/// every log line of the request (`request-id`), into the response header, and into audit events.
struct RequestIDMiddleware: AsyncMiddleware {
    static let header = HTTPHeaders.Name("X-Request-Id")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let id: String
        if let incoming = request.headers.first(name: Self.header), Self.isAcceptable(incoming) {
            id = incoming
        } else if Self.isAcceptable(request.id) {
            id = request.id
        } else {
            // Vapor adopts an incoming X-Request-Id as its own id, unchecked; never echo a rejected one.
            id = UUID().uuidString
        }
        request.storage[RequestIDKey.self] = id
        request.logger[metadataKey: "request-id"] = .string(id)
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: Self.header, value: id)
        return response
    }

    /// Up to 128 characters of letters, digits, `-`, `_`, `.`: nothing that could forge a log line or header.
    static func isAcceptable(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 128
            && value.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0)
            }
    }
}

private struct RequestIDKey: StorageKey { typealias Value = String }

extension Request {
    /// The id of this request, as sent back in `X-Request-Id`.
    var requestID: String { storage[RequestIDKey.self] ?? id }
}
