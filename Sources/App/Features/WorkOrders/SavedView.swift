import Fluent
import Foundation
import Vapor

/// A named set of list filters ("my overdue high-priority"), kept for the member who made it, or shared with
/// the organization by someone who manages work.
final class SavedView: Model, TenantModel, @unchecked Sendable {
    static let schema = "saved_views"
    static let entityType = "saved_view"
    /// The lists a view can be saved for.
    static let pages = ["work-orders"]

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "page") var page: String
    @Field(key: "name") var name: String
    /// The list's query string, as its page and `GET /api/v1/<page>` read it (`status=open&priority=high`).
    @Field(key: "query") var query: String
    @Field(key: "shared") var shared: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    static var organizationIDKey: KeyPath<SavedView, FieldProperty<SavedView, UUID>> { \.$organizationID }

    struct DTO: Content, Equatable {
        var id: UUID
        var page: String
        var name: String
        var query: String
        var shared: Bool
        var userId: UUID
        var createdAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), page: page, name: name, query: query, shared: shared, userId: userID, createdAt: createdAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _userID, _page, _name, _query, _shared, _createdAt] }
}
