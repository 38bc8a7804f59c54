import Fluent
import Foundation
import Vapor

/// Time someone spent on a work order. The cost is fixed when logged (minutes × hourly rate), so a later
/// change of rate does not rewrite history.
final class LaborEntry: Model, TenantModel, @unchecked Sendable {
    static let schema = "labor_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "minutes") var minutes: Int
    @Field(key: "hourly_rate") var hourlyRate: Double
    @Field(key: "cost") var cost: Double
    @OptionalField(key: "note") var note: String?
    @Field(key: "performed_at") var performedAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<LaborEntry, FieldProperty<LaborEntry, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID
        var userId: UUID
        var minutes: Int
        var hourlyRate: Double
        var cost: Double
        var note: String?
        var performedAt: Date
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), workOrderId: workOrderID, userId: userID, minutes: minutes, hourlyRate: hourlyRate, cost: cost, note: note,
            performedAt: performedAt, createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _workOrderID, _userID, _minutes, _hourlyRate, _cost, _note, _performedAt, _createdAt]
    }
}

/// A cost that is neither labour nor stocked parts: a contractor's invoice, a rental, shipping.
final class WorkOrderCost: Model, TenantModel, @unchecked Sendable {
    static let schema = "work_order_costs"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "description") var details: String
    @Field(key: "amount") var amount: Double
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<WorkOrderCost, FieldProperty<WorkOrderCost, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID
        var description: String
        var amount: Double
        var createdByUserId: UUID?
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), workOrderId: workOrderID, description: details, amount: amount, createdByUserId: createdByUserID,
            createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _workOrderID, _details, _amount, _createdByUserID, _createdAt] }
}

/// A note in a work order's conversation.
final class Comment: Model, TenantModel, @unchecked Sendable {
    static let schema = "comments"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @OptionalField(key: "author_user_id") var authorUserID: UUID?
    @Field(key: "body") var body: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Comment, FieldProperty<Comment, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID
        var authorUserId: UUID?
        var body: String
        var createdAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), workOrderId: workOrderID, authorUserId: authorUserID, body: body, createdAt: createdAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _workOrderID, _authorUserID, _body, _createdAt] }
}

/// A span of time an asset was down, recorded against the work order that dealt with it.
final class Downtime: Model, TenantModel, @unchecked Sendable {
    static let schema = "downtimes"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "asset_id") var assetID: UUID
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "reason") var reason: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Downtime, FieldProperty<Downtime, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID
        var assetId: UUID
        var startedAt: Date
        var endedAt: Date?
        /// Whole minutes; `null` while the asset is still down.
        var minutes: Int?
        var reason: String?
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), workOrderId: workOrderID, assetId: assetID, startedAt: startedAt, endedAt: endedAt,
            minutes: Self.minutes(from: startedAt, to: endedAt), reason: reason, createdAt: createdAt)
    }

    /// Whole minutes down; nil while the asset is still down.
    static func minutes(from startedAt: Date, to endedAt: Date?) -> Int? { endedAt.map { Int($0.timeIntervalSince(startedAt) / 60) } }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _workOrderID, _assetID, _startedAt, _endedAt, _reason, _createdAt] }
}
