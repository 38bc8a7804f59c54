import Vapor

/// Runs the API's own handlers for the pages' forms, so a page changes data through exactly the code the API
/// uses: the same policies, checks, field errors, audit events and live events.
enum WebAPI {
    /// How a form field is sent to the handler.
    enum Field {
        case text
        /// `"12"` → 12; anything else is passed as typed, so the handler names the field.
        case number
        /// A checkbox or `true`/`false`.
        case bool
        /// Repeated fields (`scopes[]=a&scopes[]=b`, checkboxes) as an array of strings; none sent: left out.
        case list
        /// A date input's day (`2030-01-15`) as the start of that day in UTC, which the API's dates are.
        case day
    }

    /// `2030-01-15` → `2030-01-15T00:00:00Z`; anything else is nil (and passed on as typed, for the API to name).
    static func dayStart(_ day: String) -> String? {
        guard day.count == 10, day.filter({ $0 == "-" }).count == 2 else { return nil }
        return day + "T00:00:00Z"
    }

    /// The listed fields of the page's form as the JSON body an API handler reads; empty fields are left out.
    static func body(_ request: Request, _ fields: [String: Field]) -> [String: JSONValue] {
        var body: [String: JSONValue] = [:]
        for (name, kind) in fields {
            if kind == .list {
                if let values = try? request.content.get([String].self, at: name) {
                    body[name] = .array(values.filter { !$0.isEmpty }.map(JSONValue.string))
                }
                continue
            }
            guard let raw = try? request.content.get(String.self, at: name) else { continue }
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            switch kind {
            case .text:
                if !value.isEmpty { body[name] = .string(raw) }
            case .number:
                if value.isEmpty { continue }
                body[name] = Double(value).map(JSONValue.number) ?? .string(value)
            case .bool:
                body[name] = .bool(["on", "true", "1", "yes"].contains(value.lowercased()))
            case .day:
                if !value.isEmpty { body[name] = .string(dayStart(value) ?? value) }
            case .list:
                break
            }
        }
        return body
    }

    /// Calls `handler` with `body` as its JSON request body, on behalf of the signed-in `principal`; `version`
    /// becomes `If-Match`, so a change made from a stale page is refused like a stale API update.
    static func call<R: AsyncResponseEncodable>(
        _ request: Request, principal: Principal, body: [String: JSONValue], version: String? = nil,
        _ handler: (Request) async throws -> R
    ) async throws -> Response {
        request.optionalPrincipal = principal
        try request.content.encode(JSONValue.object(body), using: JSONEncoder())
        if let version, !version.isEmpty { request.headers.replaceOrAdd(name: .ifMatch, value: "\"\(version)\"") }
        return try await handler(request).encodeResponse(for: request)
    }

    /// Reads a list through the API's own list handler (its permission check, scoping and order), as the
    /// signed-in `principal`, with `query` as its query string.
    static func list<Item: Decodable>(
        _ request: Request, principal: Principal, query: String, as: Item.Type,
        _ handler: (Request) async throws -> some AsyncResponseEncodable
    ) async throws -> (items: [Item], nextCursor: String?) {
        request.optionalPrincipal = principal
        let original = request.url.query
        request.url.query = query
        defer { request.url.query = original }
        let page = try decode(try await handler(request).encodeResponse(for: request), as: ListPage<Item>.self)
        return (page.items, page.nextCursor)
    }

    /// A handler's JSON answer read back, for a page that shows what the API made (a new key, a draft).
    static func decode<Value: Decodable>(_ response: Response, as: Value.Type) throws -> Value {
        try JSONDecoder.api.decode(Value.self, from: Data(buffer: response.body.buffer ?? ByteBuffer()))
    }
}

/// A list answer as the API writes it (`{items, nextCursor}`), read back by a page.
struct ListPage<Item: Decodable>: Decodable {
    var items: [Item]
    var nextCursor: String?
}
