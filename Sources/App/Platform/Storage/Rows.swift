import Fluent
import Foundation
import SQLKit

/// A value read straight from a database row by column name, on either database: the hot reads (lists, one work
/// order, the pages) decode their DTOs this way instead of through Fluent's models, whose per-row reflection
/// (`Fields.properties` → `Mirror`) cost most of a list's time. Each column is decoded the way Fluent's field
/// would decode it, so a value reads the same on both paths.
protocol RowDecodable: Sendable {
    /// The table the columns are read from.
    static var table: String { get }
    /// The columns ``init(row:)`` reads; a query selects exactly these.
    static var columns: [String] { get }
    init(row: some SQLRow) throws
}

extension RowDecodable {
    /// The row of ``table`` with this id, decoded straight into `Self`. No tenant or site scope: for rows the
    /// caller already holds by its principal (its organization, its own user); tenant data goes through a scoped query.
    static func find(id: UUID, on db: any Database) async throws -> Self? {
        try await db.sql.select().columns(columns).from(table).where("id", .equal, SQLBind(id)).first().map { try Self(row: $0) }
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

    init(_ name: String, _ column: String, _ kind: Kind) {
        self.name = name
        self.column = column
        self.kind = kind
    }

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

extension SQLSelectBuilder {
    /// Keyset pagination on the chosen sort column, then the id, decoding each row into `Row`: the same order and
    /// cursors as ``QueryBuilder/paginate(_:sortFields:)``.
    func page<Row: RowDecodable>(_ parameters: ListParameters, sorts: [SortColumn], as: Row.Type) async throws -> (
        items: [Row], nextCursor: String?
    ) {
        guard let sort = sorts.first(where: { $0.name == parameters.sortName }) else {
            throw AppError.badRequest("Unknown sort.", [FieldProblem(field: "sort", message: "is not sortable")])
        }
        let table = Row.table
        let sortColumn = SQLColumn(sort.column, table: table)
        let idColumn = SQLColumn("id", table: table)
        columns(Row.columns.map { SQLColumn($0, table: table) })
        if !Row.columns.contains(sort.column) { column(sortColumn) }
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
        let items = try kept.map { try Row(row: $0) }
        guard rows.count > parameters.limit, let last = kept.last else { return (items, nil) }
        let cursor = ListParameters.Cursor(
            s: parameters.sortKey, v: try sort.cursorValue(last), id: try last.decode(column: "id", as: UUID.self))
        return (items, try JSONEncoder().encode(cursor).base64URLEncodedString())
    }
}

extension Principal {
    /// Rows of `table` in this tenant and, for a membership limited to some sites, in those sites: the SQL form of
    /// ``siteQuery(_:on:)``, the same rule (no sites listed reaches nothing).
    func scoped(_ select: SQLSelectBuilder, table: String, siteColumn: String = "site_id") -> SQLSelectBuilder {
        select.where(SQLColumn("organization_id", table: table), .equal, SQLBind(organizationID))
        guard let siteIDs else { return select }
        if siteIDs.isEmpty { return select.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }
        return select.where(SQLColumn(siteColumn, table: table), .in, SQLBind.group(siteIDs))
    }
}
