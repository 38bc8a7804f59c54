import Fluent
import Foundation

/// The rules about roles that the permission matrix alone cannot express.
enum MemberPolicy {
    /// Nobody grants a role above their own; API keys grant nothing above admin.
    static func mayGrant(_ role: Role, principal: Principal) -> Bool {
        guard let own = principal.role else { return role.rank >= Role.admin.rank }
        return role.rank >= own.rank
    }

    /// A member may not change someone above them, and the last owner cannot be demoted.
    static func checkChange(of membership: Membership, to role: Role?, principal: Principal, on db: any Database) async throws {
        try checkRank(of: membership, principal: principal)
        if membership.role == .owner, let role, role != .owner, try await ownerCount(membership.organizationID, on: db) <= 1 {
            throw AppError.conflict("This is the organization's only owner; make someone else owner first.")
        }
    }

    static func checkRemoval(of membership: Membership, principal: Principal, on db: any Database) async throws {
        try checkRank(of: membership, principal: principal)
        if membership.role == .owner, try await ownerCount(membership.organizationID, on: db) <= 1 {
            throw AppError.conflict("This is the organization's only owner; make someone else owner first.")
        }
    }

    private static func checkRank(of membership: Membership, principal: Principal) throws {
        let own = principal.role ?? .admin
        if membership.role.rank < own.rank {
            throw AppError.forbidden("You cannot change a member whose role is above yours.")
        }
    }

    private static func ownerCount(_ organizationID: UUID, on db: any Database) async throws -> Int {
        try await Membership.query(on: db).filter(\.$organizationID == organizationID).filter(\.$role == .owner).count()
    }
}
