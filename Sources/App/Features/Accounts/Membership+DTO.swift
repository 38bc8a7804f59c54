import Foundation
import Vapor

/// A member of the organization: the user and their membership, as `/users` shows them.
struct MemberDTO: Content, Equatable {
    var id: UUID
    var email: String
    var name: String
    var role: Role
    /// `null`: all sites.
    var siteIds: [UUID]?
    var mustChangePassword: Bool
    /// The membership's version (the ETag).
    var version: Int
    var createdAt: Date?
    var updatedAt: Date?
}

extension Membership {
    /// Needs `user` loaded (`.with(\.$user)`) or passed.
    func dto(user: User? = nil) -> MemberDTO {
        let user = user ?? self.user
        return MemberDTO(
            id: user.id ?? UUID(), email: user.email, name: user.name, role: role, siteIds: siteIDs,
            mustChangePassword: user.mustChangePassword, version: version,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}
