import Fluent
import Foundation
import Vapor

/// Something measured on an asset: hours run, kilometres, cycles, temperature.
final class Meter: Model, VersionedModel, @unchecked Sendable {
    static let schema = "meters"
    static let entityType = "meter"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "asset_id") var assetID: UUID
    @Field(key: "name") var name: String
    @Field(key: "unit") var unit: String
    /// A counter that only goes up (hours, cycles): a lower reading is a typing error and is refused.
    @Field(key: "monotonic") var monotonic: Bool
    @OptionalField(key: "last_value") var lastValue: Double?
    @OptionalField(key: "last_read_at") var lastReadAt: Date?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<Meter, FieldProperty<Meter, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var assetId: UUID
        var name: String
        var unit: String
        var monotonic: Bool
        var lastValue: Double?
        var lastReadAt: Date?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), assetId: assetID, name: name, unit: unit, monotonic: monotonic, lastValue: lastValue, lastReadAt: lastReadAt,
            version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _assetID, _name, _unit, _monotonic, _lastValue, _lastReadAt, _version, _createdAt, _updatedAt]
    }
}

/// One reading of a meter. Readings are facts: they are added, never edited.
final class MeterReading: Model, TenantModel, @unchecked Sendable {
    static let schema = "meter_readings"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "meter_id") var meterID: UUID
    @Field(key: "value") var value: Double
    @Field(key: "read_at") var readAt: Date
    @OptionalField(key: "recorded_by_user_id") var recordedByUserID: UUID?
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    @Field(key: "source") var source: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<MeterReading, FieldProperty<MeterReading, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var meterId: UUID
        var value: Double
        var readAt: Date
        var recordedByUserId: UUID?
        var workOrderId: UUID?
        var source: String
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), meterId: meterID, value: value, readAt: readAt, recordedByUserId: recordedByUserID, workOrderId: workOrderID,
            source: source, createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _meterID, _value, _readAt, _recordedByUserID, _workOrderID, _source, _createdAt]
    }
}
