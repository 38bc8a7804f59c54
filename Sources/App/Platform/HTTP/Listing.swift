import Fluent
import Foundation
import Vapor

/// Answers a list request: a JSON page (`{items, nextCursor}`), or with `?format=csv` every matching row as CSV.
enum Listing {
    /// Most rows one CSV export writes; past this, filter the list.
    static let exportLimit = 50_000

    /// A list read by a typed query (``SQLSelectBuilder/page(_:sorts:as:)``): `page` reads one page of DTOs.
    static func respond<DTO: Content>(
        _ request: Request, sorts: [SortColumn], defaultSort: String, filename: String,
        page: (ListParameters) async throws -> (items: [DTO], nextCursor: String?)
    ) async throws -> Response {
        let format = request.queryParameter("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw AppError.badRequest("A query parameter is not valid.", [FieldProblem(field: "format", message: "must be json or csv")])
        }
        var parameters = try ListParameters(request, sortable: sorts.map(\.name), defaultSort: defaultSort)
        if format == "json" {
            let (items, next) = try await page(parameters)
            return try await Page(items: items, nextCursor: next).encodeResponse(for: request)
        }
        parameters.limit = ListParameters.maximumLimit
        var items: [DTO] = []
        while items.count < exportLimit {
            let (rows, next) = try await page(parameters)
            items += rows
            guard let next, let data = Data(base64URLEncoded: next),
                let cursor = try? JSONDecoder().decode(ListParameters.Cursor.self, from: data)
            else { break }
            parameters.cursor = cursor
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: CSV.render(items)))
    }
}

/// CSV (RFC 4180) from DTOs, one column per stored property in declaration order.
enum CSV {
    static func render<Item>(_ items: [Item]) -> String {
        guard let first = items.first else { return "\r\n" }
        let columns = Mirror(reflecting: first).children.compactMap(\.label)
        var lines = [columns.map(quote).joined(separator: ",")]
        for item in items {
            let values = Mirror(reflecting: item).children.map { cell($0.value) }
            lines.append(values.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One value as a cell. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
    /// start) gets a leading apostrophe: an exported list must not execute anything when opened (OWASP CSV injection).
    static func cell(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return "" }
            return cell(wrapped)
        }
        switch value {
        case let text as String: return quote(neutralise(text))
        case let date as Date: return date.formatted(.iso8601)
        case let id as UUID: return id.uuidString
        case let bool as Bool: return bool ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Double: return number.formatted(.number.grouping(.never))
        case let raw as any RawRepresentable: return quote(neutralise("\(raw.rawValue)"))
        case let array as [Any]: return quote(neutralise(array.map { plain($0) }.joined(separator: "; ")))
        default:
            if let encodable = value as? any Encodable, let data = try? JSONEncoder.canonical.encode(encodable) {
                return quote(neutralise(String(decoding: data, as: UTF8.self)))
            }
            return quote(neutralise("\(value)"))
        }
    }

    private static func plain(_ value: Any) -> String {
        switch value {
        case let id as UUID: id.uuidString
        case let raw as any RawRepresentable: "\(raw.rawValue)"
        default: "\(value)"
        }
    }

    static func neutralise(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
