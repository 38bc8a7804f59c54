import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit

/// A value read straight from a database row by column name, on either database: the hot reads (lists, one work
/// order, the pages) decode their DTOs this way instead of through Fluent's models, whose per-row reflection
/// (`Fields.properties` → `Mirror`) cost most of a list's time. Each column is decoded the way Fluent's field
/// would decode it, so a value reads the same on both paths.
protocol RowDecodable: Sendable {
    /// The table the columns are read from.
    static var table: String { get }
    /// The columns ``init(row:)`` reads; a query selects exactly these.
    static var columns: [String] { get }
    init(row: RowReader) throws
}

extension RowDecodable {
    /// The row of ``table`` with this id, decoded straight into `Self`. No tenant or site scope: for rows the
    /// caller already holds by its principal (its organization, its own user); tenant data goes through a scoped query.
    static func find(id: UUID, on db: any Database) async throws -> Self? {
        let list = SelectList.of(Self.self).sql
        return try await db.sql.raw("SELECT \(unsafeRaw: list) FROM \"\(unsafeRaw: table)\" WHERE \"id\" = \(bind: id)").first()
            .map { try Self(row: RowReader($0)) }
    }
}

/// Typed reads of one row's columns, for ``RowDecodable``: each reads what `SQLRow.decode(column:as:)` reads for
/// that type, without its generic call per column (a generic-metadata look-up each, a tenth of a list's time).
/// On SQLite the value is read straight from the row's data; on PostgreSQL, and for any value the fast path does
/// not take, through the row's own decoder.
struct RowReader {
    let row: any SQLRow
    /// The SQLite row's column names and values, held apart so that a read copies neither (empty elsewhere).
    private let columns: SQLiteColumnNames?
    private let names: [String]
    private let values: [SQLiteData]
    /// Where the next column is likely to be: a DTO reads its columns in about the order it selects them, so a
    /// look-up first tries the column after the last one read, before hashing the name.
    private let hint = Hint()

    private final class Hint {
        var next = 0
    }

    init(_ row: any SQLRow) {
        self.row = row
        if let fast = row as? FastSQLiteRow {
            (columns, names, values) = (fast.columns, fast.columns.names, fast.values)
        } else {
            (columns, names, values) = (nil, [], [])
        }
    }

    private func data(_ column: String) -> SQLiteData? {
        let guess = hint.next
        if guess < names.count, names[guess] == column {
            hint.next = guess + 1
            return values[guess]
        }
        guard let position = columns?.position(of: column) else { return nil }
        hint.next = position + 1
        return values[position]
    }

    func uuid(_ column: String) throws -> UUID {
        if case .text(let text)? = data(column), let id = UUIDText.parse(text) { return id }
        return try row.decode(column: column, as: UUID.self)
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        switch data(column) {
        case .null?: return nil
        case .text(let text)?: if let id = UUIDText.parse(text) { return id }
        default: break
        }
        return try row.decode(column: column, as: UUID?.self)
    }

    func string(_ column: String) throws -> String {
        if case .text(let text)? = data(column) { return text }
        return try row.decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        switch data(column) {
        case .null?: return nil
        case .text(let text)?: return text
        default: return try row.decode(column: column, as: String?.self)
        }
    }

    func int(_ column: String) throws -> Int {
        if case .integer(let value)? = data(column) { return value }
        return try row.decode(column: column, as: Int.self)
    }

    func optionalInt(_ column: String) throws -> Int? {
        switch data(column) {
        case .null?: return nil
        case .integer(let value)?: return value
        default: return try row.decode(column: column, as: Int?.self)
        }
    }

    func double(_ column: String) throws -> Double {
        if let data = data(column), let value = Double(sqliteData: data) { return value }
        return try row.decode(column: column, as: Double.self)
    }

    func optionalDouble(_ column: String) throws -> Double? {
        switch data(column) {
        case .null?: return nil
        case let data?: if let value = Double(sqliteData: data) { return value }
        case nil: break
        }
        return try row.decode(column: column, as: Double?.self)
    }

    func bool(_ column: String) throws -> Bool {
        if let data = data(column), let flag = Bool(sqliteData: data) { return flag }
        return try row.decode(column: column, as: Bool.self)
    }

    func date(_ column: String) throws -> Date {
        if let data = data(column), data != .null, let date = Date(sqliteData: data) { return date }
        return try row.decode(column: column, as: Date.self)
    }

    func optionalDate(_ column: String) throws -> Date? {
        switch data(column) {
        case .null?: return nil
        case let data?: if let date = Date(sqliteData: data) { return date }
        case nil: break
        }
        return try row.decode(column: column, as: Date?.self)
    }

    /// A list column of UUIDs (JSON text on SQLite, an array on PostgreSQL).
    func uuids(_ column: String) throws -> [UUID] {
        if let data = data(column), let list = FastSQLiteRow.uuids(data) { return list }
        return try row.decode(column: column, as: [UUID].self)
    }

    /// A list column of strings (JSON text on SQLite, an array on PostgreSQL).
    func strings(_ column: String) throws -> [String] {
        if let data = data(column), let list = FastSQLiteRow.strings(data) { return list }
        return try row.decode(column: column, as: [String].self)
    }

    /// A column holding a Codable value as JSON (how Fluent stores a `@Field` struct: text on SQLite, `jsonb` on
    /// PostgreSQL), decoded by the row's own decoder, as Fluent decodes it.
    func json<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T { try row.decode(column: column, as: T.self) }

    /// A JSON column, nil when NULL.
    func optionalJSON<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        if case .null? = data(column) { return nil }
        return try row.decode(column: column, as: T?.self)
    }

    /// A list column of UUIDs, nil when NULL.
    func optionalUUIDs(_ column: String) throws -> [UUID]? { try optionalList(column, fast: FastSQLiteRow.uuids) }

    /// A list column of strings, nil when NULL.
    func optionalStrings(_ column: String) throws -> [String]? { try optionalList(column, fast: FastSQLiteRow.strings) }

    /// A list column, nil when NULL: read straight from SQLite's JSON text by `fast`, or decoded (PostgreSQL's arrays).
    private func optionalList<Element: Decodable>(_ column: String, fast: (SQLiteData) -> [Element]?) throws -> [Element]? {
        switch data(column) {
        case .null?: return nil
        case let data?: if let list = fast(data) { return list }
        case nil: break
        }
        return try row.decode(column: column, as: [Element]?.self)
    }

    /// A text column holding a Swift enum's raw value (how Fluent stores `@Field` enums on both databases).
    func `enum`<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        try Self.value(try string(column), of: column)
    }

    /// A text column holding a Swift enum's raw value, nil when NULL.
    func optionalEnum<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T? where T.RawValue == String {
        try optionalString(column).map { try Self.value($0, of: column) }
    }

    private static func value<T: RawRepresentable>(_ raw: String, of column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(column) holds an unknown value \(raw)"))
        }
        return value
    }
}

extension SQLRow {
    /// A text column holding a Swift enum's raw value (how Fluent stores `@Field` enums on both databases).
    func decode<T: RawRepresentable>(enum column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        let raw = try decode(column: column, as: String.self)
        guard let value = T(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(column) holds an unknown value \(raw)"))
        }
        return value
    }
}

/// A column a typed list may be sorted by, and how its value is carried in a cursor: the SQL counterpart of
/// ``SortField``, making the same cursors.
struct SortColumn: Sendable {
    enum Kind: Sendable {
        case int
        case string
        /// A date; a row without one carries `missing` in the cursor (as the Fluent lists do).
        case date(missing: Date)
    }

    var name: String
    var column: String
    var kind: Kind
    /// The joined table the column is of; nil for the listed row's own table.
    var table: String?

    init(_ name: String, _ column: String, _ kind: Kind, table: String? = nil) {
        self.name = name
        self.column = column
        self.kind = kind
        self.table = table
    }

    /// When the row was made: the sort most lists offer, a row without a date first.
    static let createdAt = SortColumn("createdAt", "created_at", .date(missing: .distantPast))

    /// The column as ``RowDecodable/columns`` names it: `table.column` when of a joined table.
    var selected: String { table.map { "\($0).\(column)" } ?? column }

    func cursorValue(_ row: some SQLRow) throws -> CursorValue {
        switch kind {
        case .int: .int(try row.decode(column: column, as: Int.self))
        case .string: .string(try row.decode(column: column, as: String.self))
        case .date(let missing): .date(try row.decode(column: column, as: Date?.self) ?? missing)
        }
    }

    func bind(_ value: CursorValue) -> any SQLExpression {
        switch value {
        case .int(let value): SQLBind(value)
        case .string(let value): SQLBind(value)
        case .date(let value): SQLBind(value)
        }
    }
}

/// A column of a table, `"table"."name"`, written as it is: SQLKit's `SQLColumn` escapes each identifier through
/// Foundation's `replacingOccurrences`, which on a list's two dozen columns was a tenth of the request. For the
/// code's own table and column names (no `"` in them, checked); both dialects quote identifiers with `"`.
struct PlainColumn: SQLExpression {
    let text: String

    init(_ name: String, table: String) {
        precondition(!name.contains("\"") && !table.contains("\""), "\(table).\(name) needs SQLColumn")
        text = "\"" + table + "\".\"" + name + "\""
    }

    func serialize(to serializer: inout SQLSerializer) { serializer.write(text) }
}

/// A ``RowDecodable`` type's columns as SQL (`"table"."column", …`), quoted once per type rather than on every
/// query: quoting forty identifiers was a tenth of a list. Table and column names are code constants of plain
/// lower-case letters, digits and `_`, which both dialects quote alike.
enum SelectList {
    private static let cache = NIOLockedValueBox<[ObjectIdentifier: SQLRaw]>([:])

    static func of<Row: RowDecodable>(_ type: Row.Type) -> SQLRaw {
        let key = ObjectIdentifier(type)
        if let list = cache.withLockedValue({ $0[key] }) { return list }
        func isPlain(_ name: Substring) -> Bool {
            !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        }
        // A column is the row's table's, or `table.column` of a table the query joins.
        let names = Row.columns.map { $0.split(separator: ".", omittingEmptySubsequences: false) }
        let plain = isPlain(Substring(Row.table)) && names.allSatisfy { $0.count <= 2 && $0.allSatisfy(isPlain) }
        precondition(plain, "\(Row.self) names a table or column that needs quoting")
        let list = SQLRaw(
            names.map { $0.count == 2 ? "\"\($0[0])\".\"\($0[1])\"" : "\"\(Row.table)\".\"\($0[0])\"" }.joined(separator: ", "))
        cache.withLockedValue { $0[key] = list }
        return list
    }
}

extension SQLSelectBuilder {
    /// Keyset pagination on the chosen sort column, then the id, decoding each row into `Row`: stable under inserts,
    /// fast at any depth, and the same
    /// cursors on every list (`?cursor=` carries the sort, its value and the id of the last row).
    func page<Row: RowDecodable>(_ parameters: ListParameters, sorts: [SortColumn], as: Row.Type) async throws -> (
        items: [Row], nextCursor: String?
    ) {
        guard let sort = sorts.first(where: { $0.name == parameters.sortName }) else {
            throw AppError.badRequest("Unknown sort.", [FieldProblem(field: "sort", message: "is not sortable")])
        }
        let table = Row.table
        let sortColumn = PlainColumn(sort.column, table: sort.table ?? table)
        let idColumn = PlainColumn("id", table: table)
        column(SelectList.of(Row.self))
        if !Row.columns.contains(sort.selected) { column(sortColumn) }
        if let cursor = parameters.cursor {
            let after: SQLBinaryOperator = parameters.descending ? .lessThan : .greaterThan
            let value = sort.bind(cursor.v)
            `where` {
                $0.where(sortColumn, after, value)
                    .orWhere { $0.where(sortColumn, .equal, value).where(idColumn, after, SQLBind(cursor.id)) }
            }
        }
        let direction: SQLDirection = parameters.descending ? .descending : .ascending
        let rows = try await orderBy(sortColumn, direction).orderBy(idColumn, direction).limit(parameters.limit + 1).all()
        let kept = rows.prefix(parameters.limit)
        let items = try kept.map { try Row(row: RowReader($0)) }
        guard rows.count > parameters.limit, let last = kept.last else { return (items, nil) }
        let cursor = ListParameters.Cursor(
            s: parameters.sortKey, v: try sort.cursorValue(last), id: try last.decode(column: "id", as: UUID.self))
        return (items, try JSONEncoder().encode(cursor).base64URLEncodedString())
    }
}

extension Principal {
    /// The site of the row `id` of `table` (a table of site-owned rows), if it is in this tenant and the principal
    /// reaches its site: what ``findInSite(_:_:on:)`` finds, reading one column.
    func reachableSite(of id: UUID, in table: String, on db: any Database) async throws -> UUID? {
        let select = try db.sql.select().column(PlainColumn("site_id", table: table)).from(table)
            .where(PlainColumn("id", table: table), .equal, SQLBind(id))
        return try await scoped(select, table: table).first().map { try RowReader($0).uuid("site_id") }
    }

    /// Rows of `table` in this tenant and, for a membership limited to some sites, in those sites: the SQL form of
    /// ``siteQuery(_:on:)``, the same rule (no sites listed reaches nothing).
    /// A `siteColumn` of nil is for rows of no site: the tenant alone scopes them.
    func scoped(_ select: SQLSelectBuilder, table: String, siteColumn: String? = "site_id") -> SQLSelectBuilder {
        select.where(PlainColumn("organization_id", table: table), .equal, SQLBind(organizationID))
        guard let siteIDs, let siteColumn else { return select }
        if siteIDs.isEmpty { return select.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }
        return select.where(PlainColumn(siteColumn, table: table), .in, SQLBind.group(siteIDs))
    }
}
