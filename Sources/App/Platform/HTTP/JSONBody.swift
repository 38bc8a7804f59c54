import Foundation
import Vapor

/// A JSON object body read field by field, collecting every problem so that one 422 can list them all.
///
/// ```swift
/// var body = try JSONBody(request)
/// let email = body.string("email", required: true)
/// let role = body.enumValue("role", Role.self, required: true)
/// let siteIDs = body.references("siteIds", .site)
/// try await body.validate(for: principal, on: request.db)
/// ```
struct JSONBody {
    private let values: [String: JSONValue]
    private(set) var problems: [FieldProblem] = []
    /// The ids read with ``reference(_:_:required:)``, for ``validate(for:on:)`` to check.
    private(set) var references: [Reference] = []

    /// Whether a body of this type is JSON the API reads: `application/json`, or `application/merge-patch+json` (what
    /// a PATCH here means, RFC 7396), in UTF-8 (RFC 8259 §8.1: a `charset` other than UTF-8 is refused, not guessed).
    /// Other `+json` types (`json-patch+json`) mean something else and are refused with 415.
    static func isJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type, type.type.lowercased() == "application", ["json", "merge-patch+json"].contains(type.subType.lowercased())
        else { return false }
        let charset = type.parameters.first { $0.key.lowercased() == "charset" }?.value.lowercased()
        return charset == nil || charset == "utf-8" || charset == "utf8"
    }

    init(_ request: Request) throws {
        guard Self.isJSON(request.headers.contentType) else {
            if request.body.data == nil || request.body.data?.readableBytes == 0 {
                throw AppError.badRequest("Send a JSON object body.", [FieldProblem(field: "body", message: "is required")])
            }
            throw AppError.unsupportedMediaType("Send the body as application/json in UTF-8.")
        }
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest("Send a JSON object body.", [FieldProblem(field: "body", message: "is required")])
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw AppError.badRequest("The body is not valid JSON.", [FieldProblem(field: "body", message: "is not valid JSON")])
        }
        guard case .object(let object) = value else {
            throw AppError.badRequest("The body must be a JSON object.", [FieldProblem(field: "body", message: "must be a JSON object")])
        }
        values = object
    }

    /// The body when there is one; an action whose body is optional reads an empty object otherwise.
    static func optional(_ request: Request) throws -> JSONBody {
        request.body.data.map { $0.readableBytes > 0 } == true ? try JSONBody(request) : JSONBody(values: [:])
    }

    init(values: [String: JSONValue]) {
        self.values = values
    }

    /// This body with `defaults` for the fields it does not name.
    func filling(_ defaults: [String: JSONValue]) -> JSONBody {
        JSONBody(values: values.merging(defaults) { given, _ in given })
    }

    /// The raw value of `key`, unvalidated.
    func rawValue(_ key: String) -> JSONValue? { values[key] }

    /// Whether the body names `key` at all (PATCH: absent means "leave as is", null means "clear").
    func has(_ key: String) -> Bool { values[key] != nil }

    mutating func add(_ field: String, _ message: String) {
        problems.append(FieldProblem(field: field, message: message))
    }

    mutating func note(_ reference: Reference) {
        references.append(reference)
    }

    /// Throws a 422 listing every problem found so far. A body that read ids checks them with
    /// ``validate(for:on:)`` instead.
    func validate() throws {
        if !problems.isEmpty { throw AppError.validation(problems) }
    }

    /// Fails the fields not in `allowed`, so a misspelt field is not silently ignored.
    mutating func rejectUnknown(allowed: Set<String>) {
        for key in values.keys.sorted() where !allowed.contains(key) {
            add(key, "is not a field of this resource")
        }
    }

    private mutating func value(_ key: String, required: Bool) -> JSONValue? {
        switch values[key] {
        case nil, .null?:
            if required { add(key, "is required") }
            return nil
        case let value?:
            return value
        }
    }

    mutating func string(_ key: String, required: Bool = false, maxLength: Int = 200, allowEmpty: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let raw) = value else {
            add(key, "must be a string, not \(value.typeName)")
            return nil
        }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty, !allowEmpty {
            add(key, required ? "is required" : "must not be empty")
            return nil
        }
        if text.count > maxLength {
            add(key, "must be at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// A string kept exactly as sent (passwords, tokens).
    mutating func secret(_ key: String, required: Bool = false, maxLength: Int = 1000) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value, !text.isEmpty else {
            add(key, "must be a non-empty string")
            return nil
        }
        if text.count > maxLength {
            add(key, "must be at most \(maxLength) characters")
            return nil
        }
        return text
    }

    mutating func email(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required, maxLength: 254) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: \.isWhitespace)
        else {
            add(key, "must be an e-mail address")
            return nil
        }
        return text.lowercased()
    }

    mutating func uuid(_ key: String, required: Bool = false) -> UUID? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value, let id = UUID(uuidString: text) else {
            add(key, "must be a UUID")
            return nil
        }
        return id
    }

    mutating func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 9e15 else {
            add(key, "must be a whole number")
            return nil
        }
        let int = Int(number)
        if let range, !range.contains(int) {
            add(key, "must be from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return int
    }

    mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let bool) = value else {
            add(key, "must be true or false")
            return nil
        }
        return bool
    }

    mutating func date(_ key: String, required: Bool = false) -> Date? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value, let date = Self.parseDate(text) else {
            add(key, "must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z")
            return nil
        }
        return date
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value, let result = E(rawValue: text) else {
            add(key, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return result
    }

    mutating func stringArray(_ key: String, required: Bool = false, maxCount: Int = 100) -> [String]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let items) = value, items.count <= maxCount else {
            add(key, "must be an array of at most \(maxCount) strings")
            return nil
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                add("\(key)[\(index)]", "must be a string")
                continue
            }
            strings.append(text)
        }
        return strings.count == items.count ? strings : nil
    }

    mutating func uuidArray(_ key: String, required: Bool = false, maxCount: Int = 1000) -> [UUID]? {
        guard let strings = stringArray(key, required: required, maxCount: maxCount) else { return nil }
        var ids: [UUID] = []
        for (index, text) in strings.enumerated() {
            guard let id = UUID(uuidString: text) else {
                add("\(key)[\(index)]", "must be a UUID")
                continue
            }
            ids.append(id)
        }
        return ids.count == strings.count ? ids : nil
    }

    mutating func double(_ key: String, required: Bool = false, range: ClosedRange<Double>? = nil) -> Double? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value, number.isFinite else {
            add(key, "must be a number")
            return nil
        }
        if let range, !range.contains(number) {
            add(key, "must be from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
            return nil
        }
        return number
    }

    /// A calendar day, `YYYY-MM-DD`, returned in that form.
    mutating func day(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value, Self.isDay(text) else {
            add(key, "must be a date such as 2026-01-31")
            return nil
        }
        return text
    }

    /// An IANA time zone such as `Europe/Berlin`.
    mutating func timeZone(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required, maxLength: 64) else { return nil }
        guard TimeZone(identifier: text) != nil else {
            add(key, "must be an IANA time zone such as Europe/Berlin or UTC")
            return nil
        }
        return text
    }

    /// PATCH semantics for one field: `nil` when absent (leave as is), `.some(nil)` when null (clear), else
    /// `.some(value)`. A value that fails validation is recorded as a problem, so ``validate()`` throws before use.
    mutating func patch<T>(_ key: String, _ read: (inout JSONBody) -> T?) -> T?? {
        guard has(key) else { return nil }
        if case .null? = values[key] { return .some(nil) }
        return .some(read(&self))
    }

    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...9999).contains(year), (1...12).contains(month)
        else { return false }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        guard let date = calendar.date(from: components) else { return false }
        return calendar.component(.day, from: date) == day
    }

    static func parseDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// A request's query string read once into its parameters.
///
/// `request.queryParameter(name)` parses the whole query string again on each call, and a list reads a
/// dozen parameters. This parses a query of plain `name=value` pairs once, as Vapor's form parser does (`+` is a
/// space, then percent-decoding); a query it cannot take so simply — a name twice, `name[...]` syntax, a bad
/// escape — is left to Vapor, so each parameter reads the same either way.
struct QueryParameters: Sendable {
    /// The query string read.
    let query: String?
    /// The parameters, or nil where Vapor's parser reads the query.
    let values: [String: String]?

    init(_ query: String?) {
        self.query = query
        guard let query, !query.isEmpty else {
            values = [:]
            return
        }
        var values: [String: String] = [:]
        let spaced = query.replacingOccurrences(of: "+", with: "%20")
        for pair in spaced.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let name = parts[0].removingPercentEncoding, !name.contains("["),
                let value = parts[1].removingPercentEncoding, values[name] == nil
            else {
                self.values = nil
                return
            }
            values[name] = value
        }
        self.values = values
    }

    private struct Key: StorageKey {
        typealias Value = QueryParameters
    }

    static func of(_ request: Request) -> QueryParameters {
        // Read again if the query changed (the page kit still rewrites it for the API handlers it calls).
        if let parsed = request.storage[Key.self], parsed.query == request.url.query { return parsed }
        let parsed = QueryParameters(request.url.query)
        request.storage[Key.self] = parsed
        return parsed
    }
}

extension Request {
    /// A query parameter's text, as `query[String.self, at: name]` reads it, parsing the query once per request.
    func queryParameter(_ name: String) -> String? {
        guard let values = QueryParameters.of(self).values else { return query[String.self, at: name] }
        return values[name]
    }

    /// A query parameter read as a UUID; a malformed one is a 400 naming the parameter.
    func queryUUID(_ name: String) throws -> UUID? {
        guard let raw = queryParameter(name) else { return nil }
        guard let id = UUID(uuidString: raw) else {
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: name, message: "must be a UUID")])
        }
        return id
    }

    /// A query parameter read as `true` or `false`; anything else is a 400 naming the parameter.
    func queryBool(_ name: String) throws -> Bool? {
        guard let raw = queryParameter(name) else { return nil }
        switch raw {
        case "true": return true
        case "false": return false
        default:
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: name, message: "must be true or false")])
        }
    }

    func queryDate(_ name: String) throws -> Date? {
        guard let raw = queryParameter(name) else { return nil }
        guard let date = JSONBody.parseDate(raw) else {
            throw AppError.badRequest(
                "A query parameter is not valid.", [FieldProblem(field: name, message: "must be an ISO 8601 date-time")])
        }
        return date
    }

    /// A path parameter read as a UUID. A malformed id cannot name anything, so it is a 404 like any unknown id.
    func pathID(_ name: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else {
            throw AppError.notFound("No such resource.")
        }
        return id
    }
}
