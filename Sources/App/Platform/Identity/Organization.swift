import Fluent
import Foundation

/// A tenant: everything a customer owns hangs off one organization.
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// Bumped on every update; the ETag of the resource.
    /// Completing a work order needs problem, cause and remedy codes.
    @Field(key: "require_failure_codes") var requireFailureCodes: Bool
    /// Issuing parts may take stock below zero (otherwise refused).
    @Field(key: "allow_negative_stock") var allowNegativeStock: Bool
    /// Anyone holding an asset's QR link may submit a request.
    @Field(key: "public_requests") var publicRequests: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, name: String) {
        self.id = id
        self.name = name
        self.requireFailureCodes = false
        self.allowNegativeStock = false
        self.publicRequests = false
        self.version = 1
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _name, _requireFailureCodes, _allowNegativeStock, _publicRequests, _version, _createdAt, _updatedAt]
    }
}
