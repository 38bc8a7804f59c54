import Foundation
import Vapor

struct OrganizationDTO: Content, Equatable {
    var id: UUID
    var name: String
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
}

extension Organization {
    var dto: OrganizationDTO {
        OrganizationDTO(id: id ?? UUID(), name: name, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
