import Fluent
import Foundation
import Vapor

/// One entry of the organization's failure-code catalogue: a problem ("bearing noise"), a cause ("lubrication
/// failure") or a remedy ("replaced bearing"), optionally for one kind of asset.
final class FailureCode: Model, VersionedModel, @unchecked Sendable {
    static let schema = "failure_codes"
    static let entityType = "failure_code"

    enum Category: String, Codable, CaseIterable, Sendable { case problem, cause, remedy }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "category") var category: Category
    @Field(key: "code") var code: String
    @Field(key: "description") var details: String
    /// `nil`: for every kind of asset.
    @OptionalField(key: "asset_kind") var assetKind: Asset.Kind?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<FailureCode, FieldProperty<FailureCode, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var category: Category
        var code: String
        var description: String
        var assetKind: Asset.Kind?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), category: category, code: code, description: details, assetKind: assetKind, version: version,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _category, _code, _details, _assetKind, _version, _createdAt, _updatedAt] }
}

/// Per-organization sequences (work-order numbers, purchase-order numbers). Taken inside the transaction that
/// uses the number, with the row locked, so numbers never repeat and never skip on a rollback.
final class Counter: Model, @unchecked Sendable {
    static let schema = "counters"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "value") var value: Int

    init() {}

    /// The next number of `name`, starting at 1: one statement that creates the counter or bumps it and returns
    /// the new value (an upsert, which on PostgreSQL also locks the row until the transaction ends).
    static func next(_ name: String, organizationID: UUID, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw(
            """
            INSERT INTO "counters" ("id", "organization_id", "name", "value") VALUES (\(bind: UUID()), \(bind: organizationID), \(bind: name), 1)
            ON CONFLICT ("organization_id", "name") DO UPDATE SET "value" = "counters"."value" + 1 RETURNING "value"
            """
        ).first()
        guard let row else { throw AppError.conflict("The \(name) counter could not be taken; retry.") }
        return try RowReader(row).int("value")
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _name, _value] }
}
