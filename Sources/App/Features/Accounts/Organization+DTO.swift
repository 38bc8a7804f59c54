import Foundation
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

extension Organization {
    var dto: OrganizationDTO {
        OrganizationDTO(
            id: id ?? UUID(), name: name,
            settings: .init(
                requireFailureCodes: requireFailureCodes, allowNegativeStock: allowNegativeStock, publicRequests: publicRequests),
            version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
