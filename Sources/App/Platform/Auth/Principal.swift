import Fluent
import Foundation
import Vapor

/// Who is making a request, for which organization, and what they may do. Built by ``Authenticator`` from the
/// credential alone: the tenant never comes from the path or the body.
struct Principal: Sendable {
    enum Credential: Sendable, Equatable {
        case accessToken
        case apiKey(id: UUID, name: String)
        case session
        /// Millwright itself (the PM job), acting for an organization.
        case system(String)
    }

    let organizationID: UUID
    /// The signed-in user; for an API key, the user who created it (if any).
    let userID: UUID?
    let email: String?
    let role: Role?
    let permissions: Set<Permission>
    /// `nil`: all sites. Otherwise the membership is limited to these sites.
    let siteIDs: [UUID]?
    let credential: Credential

    func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Millwright acting for an organization, with every permission and no site limit.
    static func system(_ name: String, organizationID: UUID) -> Principal {
        Principal(
            organizationID: organizationID, userID: nil, email: nil, role: nil, permissions: Set(Permission.allCases), siteIDs: nil,
            credential: .system(name))
    }

    /// Throws 403 unless the principal holds `permission`.
    func require(_ permission: Permission) throws {
        guard can(permission) else {
            throw AppError.forbidden("This requires the permission \(permission.rawValue).")
        }
    }

    var auditActor: AuditActor {
        switch credential {
        case .apiKey(let id, let name): AuditActor(type: .apiKey, id: id, label: "api-key:\(name)")
        case .system(let name): AuditActor(type: .system, id: nil, label: name)
        case .accessToken, .session: AuditActor(type: .user, id: userID, label: email ?? "unknown")
        }
    }
}

/// A model owned by one organization. All tenant queries go through ``Principal/query(_:on:)`` and
/// ``Principal/find(_:_:on:)``, which add the organization filter.
protocol TenantModel: Model where IDValue == UUID {
    var organizationID: UUID { get set }
    static var organizationIDKey: KeyPath<Self, FieldProperty<Self, UUID>> { get }
}

extension Principal {
    /// A query restricted to this principal's organization.
    func query<M: TenantModel>(_ model: M.Type, on database: any Database) -> QueryBuilder<M> {
        M.query(on: database).filter(M.organizationIDKey == organizationID)
    }

    /// The model with this id in this principal's organization, or 404: another tenant's ids do not exist here.
    func find<M: TenantModel>(_ model: M.Type, _ id: UUID?, on database: any Database) async throws -> M {
        guard let id, let found = try await query(model, on: database).filter(\._$id == id).first() else {
            throw AppError.notFound("No such \(M.resourceName).")
        }
        return found
    }
}

extension Model {
    /// "audit event" for `AuditEvent`, used in messages.
    static var resourceName: String {
        String(describing: Self.self).reduce(into: "") { name, character in
            if character.isUppercase, !name.isEmpty, name.last?.isUppercase == false { name.append(" ") }
            name.append(character)
        }.lowercased()
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    /// The authenticated principal; throws 401 when the request carries no valid credential.
    var principal: Principal {
        get throws {
            guard let principal = storage[PrincipalKey.self] else {
                throw AppError.unauthorized("Sign in or send a bearer token or API key.")
            }
            return principal
        }
    }

    var optionalPrincipal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }
}
