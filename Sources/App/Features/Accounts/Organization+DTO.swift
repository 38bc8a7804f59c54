import Foundation
import SQLKit
import Vapor

struct OrganizationDTO: Content, Equatable {
    struct Settings: Content, Equatable {
        var requireFailureCodes: Bool
        var allowNegativeStock: Bool
        var publicRequests: Bool
    }

    var id: UUID
    var name: String
    var settings: Settings
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
}

extension OrganizationDTO: RowDecodable {
    static let table = Organization.schema
    static let columns = [
        "id", "name", "require_failure_codes", "allow_negative_stock", "public_requests", "version", "created_at", "updated_at",
    ]

    init(row: some SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
            settings: .init(
                requireFailureCodes: try row.decode(column: "require_failure_codes", as: Bool.self),
                allowNegativeStock: try row.decode(column: "allow_negative_stock", as: Bool.self),
                publicRequests: try row.decode(column: "public_requests", as: Bool.self)),
            version: try row.decode(column: "version", as: Int.self), createdAt: try row.decode(column: "created_at", as: Date?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }
}

extension Organization {
    var dto: OrganizationDTO {
        OrganizationDTO(
            id: id ?? UUID(), name: name,
            settings: .init(
                requireFailureCodes: requireFailureCodes, allowNegativeStock: allowNegativeStock, publicRequests: publicRequests),
            version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
