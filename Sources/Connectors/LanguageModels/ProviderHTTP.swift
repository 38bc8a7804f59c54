import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The JSON-over-HTTP exchange both provider protocols share: one POST, one JSON answer, a hard time limit.
enum ProviderHTTP {
    /// Largest answer read; a phrased answer is a few kilobytes.
    static let maxResponseBytes = 1 << 20

    /// POSTs `body` as JSON and decodes a 2xx answer as `Reply`; an error status becomes
    /// ``LanguageModelError/status(_:_:)`` with the provider's own message.
    static func post<Reply: Decodable>(
        _ client: HTTPClient, url: String, headers: [(String, String)], body: some Encodable, timeout: Duration,
        as: Reply.Type
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        let prepared = request

        let (status, data) = try await withTimeLimit(timeout) {
            do {
                let response = try await client.execute(prepared, timeout: timeAmount(timeout))
                let buffer = try await response.body.collect(upTo: maxResponseBytes)
                return (Int(response.status.code), Data(buffer: buffer))
            } catch let error as HTTPClientError {
                switch error {
                case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: throw LanguageModelError.timedOut
                case .cancelled: throw CancellationError()
                default: throw LanguageModelError.unreachable(String(describing: error))
                }
            } catch let error as NIOTooManyBytesError {
                throw LanguageModelError.malformed("the answer is larger than \(maxResponseBytes) bytes (\(error))")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw LanguageModelError.unreachable(String(describing: error))
            }
        }
        guard (200..<300).contains(status) else {
            throw LanguageModelError.status(status, errorMessage(in: data))
        }
        do {
            return try JSONDecoder().decode(Reply.self, from: data)
        } catch {
            throw LanguageModelError.malformed(String(describing: error))
        }
    }

    /// The `error.message` both protocols put in an error answer, or the start of the body.
    static func errorMessage(in data: Data) -> String {
        struct Envelope: Decodable {
            struct Detail: Decodable { var message: String? }
            var error: Detail?
        }
        if let message = (try? JSONDecoder().decode(Envelope.self, from: data))?.error?.message { return message }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }

    /// A base address without its trailing slash, so paths join with one.
    static func trimmingSlash(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Runs `work`, or throws ``LanguageModelError/timedOut`` when it takes longer than `limit`, cancelling it.
    /// The client's own deadline covers the request; this covers reading the body too.
    static func withTimeLimit<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw LanguageModelError.timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw LanguageModelError.timedOut }
            return first
        }
    }
}
