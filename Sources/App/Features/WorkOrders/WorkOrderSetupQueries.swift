import Fluent
import Foundation
import SQLKit

/// Reading what work is organised with — saved views, failure codes, checklist templates, teams — for the API's
/// lists, decoded straight from the rows.
extension SavedViews {
    static let sorts = [SortColumn("name", "name", .string)]

    /// One page of the views the principal sees (their own and the shared ones), `page`'s only when given.
    static func list(page: String? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [SavedView.DTO], nextCursor: String?
    ) {
        let table = SavedView.schema
        return try await principal.page(SavedView.DTO.self, requiring: .workOrdersRead, parameters, sorts: sorts, on: db) { select in
            select.where { visible in
                visible.where(table, "shared", is: true)
                if let userID = principal.userID { visible.orWhere(PlainColumn("user_id", table: table), .equal, SQLBind(userID)) }
                return visible
            }
            if let page { select.where(table, "page", is: page) }
        }
    }
}

extension SavedView.DTO: RowDecodable {
    static let table = SavedView.schema
    static let columns = ["id", "page", "name", "query", "shared", "user_id", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), page: try row.string("page"), name: try row.string("name"), query: try row.string("query"),
            shared: try row.bool("shared"), userId: try row.uuid("user_id"), createdAt: try row.optionalDate("created_at"))
    }
}

/// The organization's failure-code catalogue, as the API lists it.
enum FailureCodes {
    static let sorts = [SortColumn("code", "code", .string)]

    /// One page of the codes, `category`'s only when given; with `assetKind`, those for that kind and those for
    /// every kind.
    static func list(
        category: FailureCode.Category? = nil, assetKind: Asset.Kind? = nil, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [FailureCode.DTO], nextCursor: String?) {
        let table = FailureCode.schema
        return try await principal.page(FailureCode.DTO.self, requiring: .workOrdersRead, parameters, sorts: sorts, on: db) { select in
            if let category { select.where(table, "category", is: category.rawValue) }
            if let assetKind {
                select.where {
                    $0.where(table, "asset_kind", is: assetKind.rawValue).orWhere(
                        PlainColumn("asset_kind", table: table), .is, SQLLiteral.null)
                }
            }
        }
    }
}

extension FailureCode.DTO: RowDecodable {
    static let table = FailureCode.schema
    static let columns = ["id", "category", "code", "description", "asset_kind", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), category: try row.enum("category"), code: try row.string("code"),
            description: try row.string("description"), assetKind: try row.optionalEnum("asset_kind"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

extension Checklists {
    static let templateSorts = [SortColumn("name", "name", .string)]

    /// One page of the organization's checklist templates.
    static func templates(_ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [ChecklistTemplate.DTO], nextCursor: String?
    ) {
        try await principal.page(ChecklistTemplate.DTO.self, requiring: .workOrdersRead, parameters, sorts: templateSorts, on: db)
    }
}

extension ChecklistTemplate.DTO: RowDecodable {
    static let table = ChecklistTemplate.schema
    static let columns = ["id", "name", "items", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"), items: ChecklistTemplate.items(json: try row.string("items")),
            version: try row.int("version"), createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

/// The organization's teams, as the API lists them.
enum Teams {
    static let sorts = [SortColumn("name", "name", .string)]

    static func list(_ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [Team.DTO], nextCursor: String?
    ) {
        try await principal.page(Team.DTO.self, requiring: .usersRead, parameters, sorts: sorts, on: db)
    }
}

extension Team.DTO: RowDecodable {
    static let table = Team.schema
    static let columns = ["id", "name", "member_ids", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"), memberIds: try row.uuids("member_ids"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let team = ReferenceKind("a team of this organization", table: Team.schema)
    static let failureCode = ReferenceKind("a failure code of this organization", table: FailureCode.schema)
    static let checklistTemplate = ReferenceKind("a checklist template of this organization", table: ChecklistTemplate.schema)
}
