import Fluent
import Foundation
import SQLKit

/// The pieces every typed list is made of: a select of one table in the principal's tenant (and sites), narrowed
/// by plain column conditions, then paged by ``SQLSelectBuilder/page(_:sorts:as:)``.
extension Principal {
    /// `Row`'s table in this tenant and, with `siteColumn`, at the sites the principal reaches: a select to narrow
    /// and page. The same scope as ``query(_:on:)`` and ``siteQuery(_:on:)``.
    func select<Row: RowDecodable>(_ type: Row.Type, siteColumn: String? = nil, on db: any Database) throws -> SQLSelectBuilder {
        scoped(try db.sql.select().from(Row.table), table: Row.table, siteColumn: siteColumn)
    }

    /// One page of `Row`s for a principal who holds `permission`: the table in this tenant (with `siteColumn`, at
    /// the principal's sites), narrowed by `narrow`, paged on `sorts`. What most list queries are.
    func page<Row: RowDecodable>(
        _ type: Row.Type, requiring permission: Permission, siteColumn: String? = nil, _ parameters: ListParameters,
        sorts: [SortColumn], on db: any Database, where narrow: (SQLSelectBuilder) -> Void = { _ in }
    ) async throws -> (items: [Row], nextCursor: String?) {
        try require(permission)
        let select = try self.select(Row.self, siteColumn: siteColumn, on: db)
        narrow(select)
        return try await select.page(parameters, sorts: sorts, as: Row.self)
    }

    /// The row `id` of `Row`'s table, if it is in this tenant and, with `siteColumn`, at a site the principal
    /// reaches: a page's one record, typed.
    func row<Row: RowDecodable>(_ type: Row.Type, _ id: UUID, siteColumn: String? = nil, on db: any Database) async throws -> Row? {
        let select = try self.select(Row.self, siteColumn: siteColumn, on: db).column(SelectList.of(Row.self))
        return try await select.where(Row.table, "id", is: id).first().map { try Row(row: RowReader($0)) }
    }

    /// The rows of `Row`'s table in this tenant (with `siteColumn`, at the principal's sites), narrowed by `narrow`,
    /// ordered by `column`, at most `limit`: a page's choices or tree, not a paged list.
    func rows<Row: RowDecodable>(
        _ type: Row.Type, siteColumn: String? = nil, orderedBy column: String, limit: Int = 5000, on db: any Database,
        where narrow: (SQLSelectBuilder) -> Void = { _ in }
    ) async throws -> [Row] {
        let select = try self.select(Row.self, siteColumn: siteColumn, on: db).column(SelectList.of(Row.self))
        narrow(select)
        return try await select.orderBy(PlainColumn(column, table: Row.table)).limit(limit).all().map { try Row(row: RowReader($0)) }
    }

    /// Narrows a select of `table`, whose rows have no site of their own, to those whose `parent` row (the one
    /// `table.foreignKey` names) is at a site the principal reaches — stock at a location, a meter on an asset.
    /// Nothing to do for a member of every site.
    func limitToSites(_ select: SQLSelectBuilder, of table: String, through parent: String, on foreignKey: String) -> SQLSelectBuilder {
        guard let siteIDs else { return select }
        if siteIDs.isEmpty { return select.where(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }
        return select.join(parent, on: PlainColumn("id", table: parent), .equal, PlainColumn(foreignKey, table: table))
            .where(PlainColumn("site_id", table: parent), .in, SQLBind.group(siteIDs))
    }
}

extension Principal {
    /// Names by id from `table`'s `label` expression, within the principal's organization; `tenant: false` for a
    /// table without one (users, whose ids came from this organization's rows). No ids, no query.
    func names(
        _ ids: some Collection<UUID>, table: String, label: String, tenant: Bool = true, on db: any Database
    ) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let organization: SQLQueryString = tenant ? " AND \"organization_id\" = \(bind: organizationID)" : ""
        let rows = try await db.sql.raw(
            "SELECT \"id\", \(unsafeRaw: label) AS \"label\" FROM \(ident: table) WHERE \"id\" IN (\(binds: Array(ids)))\(organization)"
        ).all().map(RowReader.init)
        var names: [UUID: String] = [:]
        for row in rows { names[try row.uuid("id")] = try row.string("label") }
        return names
    }
}

extension SQLPredicateBuilder {
    /// Rows whose `column` of `table` holds `value`; a nil `value` matches NULL, as Fluent's `== nil` does.
    @discardableResult
    func `where`(_ table: String, _ column: String, is value: (any Encodable & Sendable)?) -> Self {
        guard let value else { return `where`(PlainColumn(column, table: table), .is, SQLLiteral.null) }
        return `where`(PlainColumn(column, table: table), .equal, SQLBind(value))
    }

    /// Rows whose `column` of `table` compares to `value` by `op` (`>=`, `<`, …).
    @discardableResult
    func `where`(_ table: String, _ column: String, _ op: SQLBinaryOperator, _ value: any Encodable & Sendable) -> Self {
        `where`(PlainColumn(column, table: table), op, SQLBind(value))
    }

    /// Rows whose `column` of `table` is NULL (`true`) or is not (`false`).
    @discardableResult
    func `where`(_ table: String, _ column: String, isNull: Bool) -> Self {
        `where`(PlainColumn(column, table: table), isNull ? .is : .isNot, SQLLiteral.null)
    }
}
