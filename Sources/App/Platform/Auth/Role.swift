/// What a member of an organization is, from most to least powerful.
enum Role: String, Codable, CaseIterable, Sendable {
    case owner, admin, manager, technician, requester, viewer

    /// Lower is more powerful; used to stop anyone granting a role above their own.
    var rank: Int {
        switch self {
        case .owner: 0
        case .admin: 1
        case .manager: 2
        case .technician: 3
        case .requester: 4
        case .viewer: 5
        }
    }

    var permissions: Set<Permission> { PermissionMatrix.permissions(of: self) }

    /// The role's permissions' names in order, as `/me` lists them: worked out once per role.
    var permissionNames: [String] { Self.names[self] ?? [] }

    private static let names = Dictionary(
        uniqueKeysWithValues: allCases.map { role in (role, role.permissions.sorted().map(\.rawValue)) })
}

/// One thing someone may do, named `resource:action`. API-key scopes are these names.
enum Permission: String, Codable, CaseIterable, Sendable, Comparable {
    case organizationRead = "organization:read"
    case organizationUpdate = "organization:update"
    case usersRead = "users:read"
    case usersCreate = "users:create"
    case usersUpdate = "users:update"
    case usersDelete = "users:delete"
    case apiKeysRead = "api-keys:read"
    case apiKeysCreate = "api-keys:create"
    case apiKeysRevoke = "api-keys:revoke"
    case auditRead = "audit:read"
    case clientsRead = "clients:read"
    case clientsWrite = "clients:write"
    case sitesRead = "sites:read"
    case sitesWrite = "sites:write"
    case assetsRead = "assets:read"
    case assetsWrite = "assets:write"
    case assetsDelete = "assets:delete"
    case metersWrite = "meters:write"
    case readingsCreate = "readings:create"
    case teamsWrite = "teams:write"
    case failureCodesWrite = "failure-codes:write"
    case workOrdersRead = "work-orders:read"
    case workOrdersCreate = "work-orders:create"
    case workOrdersUpdate = "work-orders:update"
    case workOrdersDelete = "work-orders:delete"
    /// Act as a manager in the work-order state machine: approve, reopen, cancel, and work any order.
    case workOrdersManage = "work-orders:manage"
    /// Work the orders one is assigned to: start, hold, resume, complete, log time and parts.
    case workOrdersWork = "work-orders:work"
    case partsRead = "parts:read"
    case partsWrite = "parts:write"
    /// Receive, adjust, count and transfer stock outside work orders.
    case stockAdjust = "stock:adjust"
    case purchaseOrdersRead = "purchase-orders:read"
    case purchaseOrdersWrite = "purchase-orders:write"
    case purchaseOrdersApprove = "purchase-orders:approve"
    /// Submit requests and see one's own.
    case requestsCreate = "requests:create"
    /// See every request, approve and decline them.
    case requestsManage = "requests:manage"
    /// See diagnoses: one's own when limited to some sites, all otherwise.
    case diagnosesRead = "diagnoses:read"
    /// Ask for a diagnosis and give feedback on one.
    case diagnosesCreate = "diagnoses:create"
    /// Browse the knowledge base and the organization's own atoms.
    case knowledgeRead = "knowledge:read"
    /// Add, change, import and delete the organization's own atoms.
    case knowledgeWrite = "knowledge:write"

    static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The role × permission matrix: the single place that says who may do what.
///
/// `docs/permissions.md` shows the same table; `PermissionMatrixTests` fails when the two disagree.
enum PermissionMatrix {
    /// For each permission, the roles that hold it.
    static let grants: [Permission: Set<Role>] = [
        .organizationRead: Set(Role.allCases),
        .organizationUpdate: [.owner, .admin],
        .usersRead: [.owner, .admin, .manager, .technician, .viewer],
        .usersCreate: [.owner, .admin],
        .usersUpdate: [.owner, .admin],
        .usersDelete: [.owner, .admin],
        .apiKeysRead: [.owner, .admin],
        .apiKeysCreate: [.owner, .admin],
        .apiKeysRevoke: [.owner, .admin],
        .auditRead: [.owner, .admin],
        .clientsRead: [.owner, .admin, .manager, .technician, .viewer],
        .clientsWrite: [.owner, .admin, .manager],
        .sitesRead: Set(Role.allCases),
        .sitesWrite: [.owner, .admin, .manager],
        .assetsRead: Set(Role.allCases),
        .assetsWrite: [.owner, .admin, .manager],
        .assetsDelete: [.owner, .admin, .manager],
        .metersWrite: [.owner, .admin, .manager],
        .readingsCreate: [.owner, .admin, .manager, .technician],
        .teamsWrite: [.owner, .admin, .manager],
        .failureCodesWrite: [.owner, .admin, .manager],
        .workOrdersRead: [.owner, .admin, .manager, .technician, .viewer],
        .workOrdersCreate: [.owner, .admin, .manager, .technician],
        .workOrdersUpdate: [.owner, .admin, .manager],
        .workOrdersDelete: [.owner, .admin, .manager],
        .workOrdersManage: [.owner, .admin, .manager],
        .workOrdersWork: [.owner, .admin, .manager, .technician],
        .partsRead: [.owner, .admin, .manager, .technician, .viewer],
        .partsWrite: [.owner, .admin, .manager],
        .stockAdjust: [.owner, .admin, .manager],
        .purchaseOrdersRead: [.owner, .admin, .manager, .viewer],
        .purchaseOrdersWrite: [.owner, .admin, .manager],
        .purchaseOrdersApprove: [.owner, .admin],
        .requestsCreate: [.owner, .admin, .manager, .technician, .requester],
        .requestsManage: [.owner, .admin, .manager],
        .diagnosesRead: [.owner, .admin, .manager, .technician, .viewer],
        .diagnosesCreate: [.owner, .admin, .manager, .technician],
        .knowledgeRead: [.owner, .admin, .manager, .technician, .viewer],
        .knowledgeWrite: [.owner, .admin, .manager],
    ]

    static func permissions(of role: Role) -> Set<Permission> {
        Set(grants.compactMap { $0.value.contains(role) ? $0.key : nil })
    }
}
