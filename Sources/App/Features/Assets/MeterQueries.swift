import Fluent
import Foundation
import SQLKit

/// Reading meters, their readings and the custom-field definitions for the API's lists, decoded straight from
/// the rows.
enum Meters {
    static let sorts = [SortColumn("name", "name", .string), .createdAt]

    /// One page of the meters on assets at the sites the principal reaches, `assetID`'s only when given.
    static func list(assetID: UUID? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [Meter.DTO], nextCursor: String?
    ) {
        try await principal.page(Meter.DTO.self, requiring: .assetsRead, parameters, sorts: sorts, on: db) { select in
            principal.limitToSites(select, of: Meter.schema, through: Asset.schema, on: "asset_id")
            if let assetID { select.where(Meter.schema, "asset_id", is: assetID) }
        }
    }
}

extension Meter.DTO: RowDecodable {
    static let table = Meter.schema
    static let columns = [
        "id", "asset_id", "name", "unit", "monotonic", "last_value", "last_read_at", "version", "created_at", "updated_at",
    ]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), assetId: try row.uuid("asset_id"), name: try row.string("name"), unit: try row.string("unit"),
            monotonic: try row.bool("monotonic"), lastValue: try row.optionalDouble("last_value"),
            lastReadAt: try row.optionalDate("last_read_at"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}

extension MeterReadings {
    static let sorts = [SortColumn("readAt", "read_at", .date(missing: .distantPast))]

    /// One page of a meter's readings, those read from `since` and before `until` when given. The caller has
    /// found the meter where the principal may read it.
    static func list(
        of meterID: UUID, since: Date? = nil, until: Date? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [MeterReading.DTO], nextCursor: String?) {
        let table = MeterReading.schema
        let select = try principal.select(MeterReading.DTO.self, on: db).where(table, "meter_id", is: meterID)
        if let since { select.where(table, "read_at", .greaterThanOrEqual, since) }
        if let until { select.where(table, "read_at", .lessThan, until) }
        return try await select.page(parameters, sorts: sorts, as: MeterReading.DTO.self)
    }

    /// The latest `count` readings of each of `meterIDs`, oldest first, in one query: an asset page's charts. The
    /// caller has read the meters where the principal may.
    static func latest(_ count: Int, of meterIDs: [UUID], principal: Principal, on db: any Database) async throws -> [UUID: [MeterReading
        .DTO]]
    {
        guard !meterIDs.isEmpty else { return [:] }
        let list = SelectList.of(MeterReading.DTO.self).sql
        let rows = try await db.sql.raw(
            """
            SELECT * FROM (SELECT \(unsafeRaw: list), ROW_NUMBER() OVER (PARTITION BY "meter_id" ORDER BY "read_at" DESC, "id" DESC) AS "rank"
            FROM "meter_readings" WHERE "organization_id" = \(bind: principal.organizationID) AND "meter_id" IN (\(binds: meterIDs))) AS "latest"
            WHERE "rank" <= \(bind: count) ORDER BY "read_at", "id"
            """
        ).all()
        return try Dictionary(grouping: rows.map { try MeterReading.DTO(row: RowReader($0)) }, by: \.meterId)
    }
}

extension MeterReading.DTO: RowDecodable {
    static let table = MeterReading.schema
    static let columns = ["id", "meter_id", "value", "read_at", "recorded_by_user_id", "work_order_id", "source", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), meterId: try row.uuid("meter_id"), value: try row.double("value"), readAt: try row.date("read_at"),
            recordedByUserId: try row.optionalUUID("recorded_by_user_id"), workOrderId: try row.optionalUUID("work_order_id"),
            source: try row.string("source"), createdAt: try row.optionalDate("created_at"))
    }
}

extension CustomFields {
    static let sorts = [SortColumn("key", "key", .string)]

    /// One page of the organization's custom-field definitions.
    static func list(_ parameters: ListParameters, principal: Principal, on db: any Database) async throws -> (
        items: [CustomField.DTO], nextCursor: String?
    ) {
        try await principal.page(CustomField.DTO.self, requiring: .assetsRead, parameters, sorts: sorts, on: db)
    }
}

extension CustomField.DTO: RowDecodable {
    static let table = CustomField.schema
    static let columns = ["id", "key", "label", "type", "required", "options", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), key: try row.string("key"), label: try row.string("label"), type: try row.enum("type"),
            required: try row.bool("required"), options: try row.optionalStrings("options"), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}

/// What an id in a body may name (``JSONBody/reference(_:_:required:)``).
extension ReferenceKind {
    static let meter = ReferenceKind("a meter of this organization", table: Meter.schema)
}
