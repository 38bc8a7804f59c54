import Fluent
import Foundation
import SQLKit

/// Reading members, invitations and API keys for the API's lists and the admin pages, decoded straight from the
/// rows.
extension Members {
    /// The sorts a member list offers (`?sort=`): the membership's date, the account's e-mail or name.
    static let sorts: [SortColumn] = [
        .createdAt, SortColumn("email", "email", .string, table: User.schema),
        SortColumn("name", "name", .string, table: User.schema),
    ]

    /// One page of the organization's members, with their accounts; `role` and `email` (a part of the address)
    /// narrow them.
    static func list(role: Role? = nil, email: String? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database)
        async throws -> (items: [MemberDTO], nextCursor: String?)
    {
        try await principal.page(MemberDTO.self, requiring: .usersRead, parameters, sorts: sorts, on: db) { select in
            select.join(User.schema, on: PlainColumn("id", table: User.schema), .equal, PlainColumn("user_id", table: Membership.schema))
            if let role { select.where(Membership.schema, "role", is: role.rawValue) }
            if let email = email?.lowercased(), !email.isEmpty {
                select.where(PlainColumn("email", table: User.schema), .like, SQLBind("%" + email + "%"))
            }
        }
    }
}

extension MemberDTO: RowDecodable {
    static let table = Membership.schema
    /// The membership's columns, and its account's (`users.…`, read by their own names).
    static let columns = [
        "id", "user_id", "role", "site_ids", "version", "created_at", "updated_at", "users.email", "users.name",
        "users.must_change_password",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("user_id"), email: try row.string("email"), name: try row.string("name"), role: try row.enum("role"),
            siteIds: try row.optionalUUIDs("site_ids"), mustChangePassword: try row.bool("must_change_password"),
            version: try row.int("version"), createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

extension Invitations {
    static let sorts: [SortColumn] = [.createdAt]

    /// One page of the invitations not yet accepted (pending or expired).
    static func list(_ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [Invitation.DTO], nextCursor: String?
    ) {
        try await principal.page(Invitation.DTO.self, requiring: .usersRead, parameters, sorts: sorts, on: db) {
            $0.where(Invitation.schema, "accepted_at", isNull: true)
        }
    }
}

extension Invitation.DTO: RowDecodable {
    static let table = Invitation.schema
    static let columns = ["id", "email", "role", "site_ids", "invited_by_user_id", "expires_at", "accepted_at", "created_at"]

    init(row: RowReader) throws {
        let expiresAt = try row.date("expires_at")
        let acceptedAt = try row.optionalDate("accepted_at")
        self.init(
            id: try row.uuid("id"), email: try row.string("email"), role: try row.enum("role"), siteIds: try row.optionalUUIDs("site_ids"),
            status: Invitation.status(expiresAt: expiresAt, acceptedAt: acceptedAt),
            invitedByUserId: try row.optionalUUID("invited_by_user_id"),
            expiresAt: expiresAt, acceptedAt: acceptedAt, createdAt: try row.optionalDate("created_at"))
    }
}

extension APIKeys {
    static let sorts: [SortColumn] = [.createdAt, SortColumn("name", "name", .string)]

    /// One page of the organization's keys; `revoked` narrows them to revoked (true) or live (false) ones.
    static func list(revoked: Bool? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [APIKeyDTO], nextCursor: String?
    ) {
        try await principal.page(APIKeyDTO.self, requiring: .apiKeysRead, parameters, sorts: sorts, on: db) {
            if let revoked { $0.where(APIKey.schema, "revoked_at", isNull: !revoked) }
        }
    }
}

extension APIKeyDTO: RowDecodable {
    static let table = APIKey.schema
    static let columns = ["id", "name", "prefix", "scopes", "created_by_user_id", "last_used_at", "expires_at", "revoked_at", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"), prefix: try row.string("prefix"), scopes: try row.strings("scopes"),
            createdByUserId: try row.optionalUUID("created_by_user_id"), lastUsedAt: try row.optionalDate("last_used_at"),
            expiresAt: try row.optionalDate("expires_at"), revokedAt: try row.optionalDate("revoked_at"),
            createdAt: try row.optionalDate("created_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let member = ReferenceKind("a member of this organization", table: Membership.schema, idColumn: "user_id")
}
