import Fluent
import Foundation
import Vapor

/// A request for work from someone who does not plan maintenance: a requester signed in, or anyone holding an
/// asset's QR link when the organization allows public requests. A manager approves it into a work order or
/// declines it with a reason.
final class MaintenanceRequest: Model, SiteOwned, @unchecked Sendable {
    static let schema = "requests"
    static let entityType = "request"

    enum Status: String, Codable, CaseIterable, Sendable { case pending, approved, declined, cancelled }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "site_id") var siteID: UUID
    @OptionalField(key: "asset_id") var assetID: UUID?
    @Field(key: "title") var title: String
    @OptionalField(key: "description") var details: String?
    @Field(key: "status") var status: Status
    @OptionalField(key: "requester_user_id") var requesterUserID: UUID?
    /// For public requests: who to tell, as they gave it.
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @OptionalField(key: "decline_reason") var declineReason: String?
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    /// A random token the public requester keeps to look up the status.
    @OptionalField(key: "status_token_hash") var statusTokenHash: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<MaintenanceRequest, FieldProperty<MaintenanceRequest, UUID>> { \.$organizationID }
    static var siteIDKey: KeyPath<MaintenanceRequest, FieldProperty<MaintenanceRequest, UUID>> { \.$siteID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var siteId: UUID
        var assetId: UUID?
        var title: String
        var description: String?
        var status: Status
        var requesterUserId: UUID?
        var contactName: String?
        var contactEmail: String?
        var declineReason: String?
        var workOrderId: UUID?
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), siteId: siteID, assetId: assetID, title: title, description: details, status: status,
            requesterUserId: requesterUserID, contactName: contactName, contactEmail: contactEmail, declineReason: declineReason,
            workOrderId: workOrderID, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _siteID, _assetID, _title, _details, _status, _requesterUserID, _contactName, _contactEmail,
            _declineReason, _workOrderID, _statusTokenHash, _version, _createdAt, _updatedAt,
        ]
    }
}

/// A photo or file attached to a work order or a request, stored under the data directory.
final class Attachment: Model, TenantModel, @unchecked Sendable {
    static let schema = "attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    @OptionalField(key: "request_id") var requestID: UUID?
    /// Manuals, wiring diagrams and photos of the asset itself.
    @OptionalField(key: "asset_id") var assetID: UUID?
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    /// SHA-256 of the content, hex.
    @Field(key: "sha256") var sha256: String
    /// Relative to the data directory.
    @Field(key: "path") var path: String
    @OptionalField(key: "uploaded_by_user_id") var uploadedByUserID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    static var organizationIDKey: KeyPath<Attachment, FieldProperty<Attachment, UUID>> { \.$organizationID }

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var workOrderId: UUID?
        var requestId: UUID?
        var assetId: UUID?
        var filename: String
        var contentType: String
        var size: Int
        var sha256: String
        var uploadedByUserId: UUID?
        var url: String
        var createdAt: Date?
    }

    var dto: DTO {
        let id = self.id ?? UUID()
        return DTO(
            id: id, workOrderId: workOrderID, requestId: requestID, assetId: assetID, filename: filename, contentType: contentType,
            size: size,
            sha256: sha256,
            uploadedByUserId: uploadedByUserID, url: Self.contentURL(id), createdAt: createdAt)
    }

    /// Where the API serves the attachment's bytes.
    static func contentURL(_ id: UUID) -> String { "/api/v1/attachments/\(id)/content" }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _workOrderID, _requestID, _assetID, _filename, _contentType, _size, _sha256, _path, _uploadedByUserID,
            _createdAt,
        ]
    }
}
