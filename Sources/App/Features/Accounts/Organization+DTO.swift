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

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"),
            settings: .init(
                requireFailureCodes: try row.bool("require_failure_codes"), allowNegativeStock: try row.bool("allow_negative_stock"),
                publicRequests: try row.bool("public_requests")),
            version: try row.int("version"), createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
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

extension OrganizationDTO: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("id", id)
        json.member("name", name)
        json.member("settings", settings)
        json.member("version", version)
        json.member("createdAt", createdAt)
        json.member("updatedAt", updatedAt)
    }
}

extension OrganizationDTO.Settings: JSONWritable {
    func writeMembers(_ json: inout JSONMembers) {
        json.member("requireFailureCodes", requireFailureCodes)
        json.member("allowNegativeStock", allowNegativeStock)
        json.member("publicRequests", publicRequests)
    }
}
