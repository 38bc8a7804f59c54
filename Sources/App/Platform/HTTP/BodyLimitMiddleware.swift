import Vapor

/// Answers 413 before any work when a body is larger than the configured limit.
///
/// Vapor enforces the limit while it collects a streamed body; this also covers a body that arrives already
/// collected, and a `Content-Length` that announces too much, so the client learns early.
struct BodyLimitMiddleware: AsyncMiddleware {
    var limit: Int
    /// Uploads (`…/attachments`) may be larger.
    var uploadLimit: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limit = request.url.path.hasSuffix("/attachments") ? max(self.limit, uploadLimit) + 64 * 1024 : self.limit
        let announced = request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        let collected = request.body.data?.readableBytes ?? 0
        if max(announced, collected) > limit {
            throw AppError.payloadTooLarge("The body is larger than the limit of \(limit) bytes.")
        }
        return try await next.respond(to: request)
    }
}
