import Fluent
import Foundation
import Vapor

/// One page of a list: `{ "items": [...], "nextCursor": "..." }`.
struct Page<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    /// `nextCursor` is always present, `null` on the last page, as the API conventions promise.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// A sort value carried in a cursor.
enum CursorValue: Codable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case date(Date)
}

/// The list parameters every list endpoint accepts: `limit` (1…500, default 50), `sort`, `cursor`.
struct ListParameters: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    var limit: Int
    var sortName: String
    var descending: Bool
    var cursor: Cursor?

    struct Cursor: Codable, Sendable {
        /// The sort the cursor was made for: a cursor is only valid with the same sort.
        var s: String
        var v: CursorValue
        var id: UUID
    }

    init(limit: Int = defaultLimit, sortName: String, descending: Bool, cursor: Cursor? = nil) {
        (self.limit, self.sortName, self.descending, self.cursor) = (limit, sortName, descending, cursor)
    }

    /// Reads and validates the parameters, listing every problem at once.
    init(_ request: Request, sortable: [String], defaultSort: String) throws {
        var problems: [FieldProblem] = []
        limit = Self.defaultLimit
        if let raw = request.queryParameter("limit") {
            if let value = Int(raw), (1...Self.maximumLimit).contains(value) {
                limit = value
            } else {
                problems.append(FieldProblem(field: "limit", message: "must be a whole number from 1 to \(Self.maximumLimit)"))
            }
        }
        let sort = request.queryParameter("sort") ?? defaultSort
        descending = sort.hasPrefix("-")
        sortName = descending ? String(sort.dropFirst()) : sort
        if !sortable.contains(sortName) {
            problems.append(
                FieldProblem(field: "sort", message: "must be one of \(sortable.joined(separator: ", ")), optionally prefixed with -"))
        }
        cursor = nil
        if let raw = request.queryParameter("cursor") {
            if let data = Data(base64URLEncoded: raw), let cursor = try? JSONDecoder().decode(Cursor.self, from: data), cursor.s == sort {
                self.cursor = cursor
            } else {
                problems.append(FieldProblem(field: "cursor", message: "is not a cursor this list gave out with this sort"))
            }
        }
        if !problems.isEmpty { throw AppError.badRequest("The list parameters are not valid.", problems) }
    }

    var sortKey: String { descending ? "-" + sortName : sortName }
}

extension Data {
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    func base64URLEncodedString() -> String {
        var text: [UInt8] = []
        for byte in base64EncodedString().utf8 {
            switch byte {
            case UInt8(ascii: "+"): text.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): text.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: text.append(byte)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("items", items)
        if let nextCursor { json.member("nextCursor", nextCursor) } else { json.null("nextCursor") }
    }
}
