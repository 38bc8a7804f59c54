import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Permissions")
struct PermissionMatrixTests {
    /// docs/permissions.md, parsed: permission → roles with "yes".
    static func documentedMatrix() throws -> [String: Set<String>] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/permissions.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("|") }.map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let header = try #require(rows.first)
        var matrix: [String: Set<String>] = [:]
        for row in rows.dropFirst(2) {
            let permission = row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            matrix[permission] = Set(zip(header.dropFirst(), row.dropFirst()).filter { $0.1 == "yes" }.map(\.0))
        }
        return matrix
    }

    @Test func theDocumentedMatrixIsTheMatrixInCode() throws {
        let documented = try Self.documentedMatrix()
        let code = Dictionary(uniqueKeysWithValues: PermissionMatrix.grants.map { ($0.key.rawValue, Set($0.value.map(\.rawValue))) })
        #expect(documented == code)
        #expect(Set(documented.keys) == Set(Permission.allCases.map(\.rawValue)))
    }

    /// One request that needs exactly `permission`, against a fresh target where it changes something.
    static func probe(_ permission: Permission, app: Application, tenant: Tenant, token: String) async throws -> HTTPStatus {
        switch permission {
        case .organizationRead:
            return try await app.send(.GET, "/api/v1/organization", token: token).status
        case .organizationUpdate:
            return try await app.send(.PATCH, "/api/v1/organization", token: token, json: ["name": "Renamed"]).status
        case .usersRead:
            return try await app.send(.GET, "/api/v1/users", token: token).status
        case .usersCreate:
            return try await app.send(
                .POST, "/api/v1/users", token: token, json: ["email": "new-\(UUID().uuidString.prefix(6))@example.com", "role": "viewer"]
            ).status
        case .usersUpdate:
            let target = try await app.addMember(to: tenant, role: .viewer)
            return try await app.send(.PATCH, "/api/v1/users/\(target.id)", token: token, json: ["role": "requester"]).status
        case .usersDelete:
            let target = try await app.addMember(to: tenant, role: .viewer)
            return try await app.send(.DELETE, "/api/v1/users/\(target.id)", token: token).status
        case .apiKeysRead:
            return try await app.send(.GET, "/api/v1/api-keys", token: token).status
        case .apiKeysCreate:
            return try await app.send(.POST, "/api/v1/api-keys", token: token, json: ["name": "k", "scopes": ["organization:read"]]).status
        case .apiKeysRevoke:
            let created = try await app.send(
                .POST, "/api/v1/api-keys", token: tenant.token, json: ["name": "k", "scopes": ["organization:read"]])
            return try await app.send(.DELETE, "/api/v1/api-keys/\(try created.json()["apiKey"]["id"].uuid())", token: token).status
        case .auditRead:
            return try await app.send(.GET, "/api/v1/audit-events", token: token).status
        case .clientsRead:
            return try await app.send(.GET, "/api/v1/clients", token: token).status
        case .clientsWrite:
            return try await app.send(.POST, "/api/v1/clients", token: token, json: ["name": "Client \(UUID().uuidString.prefix(4))"])
                .status
        case .sitesRead:
            return try await app.send(.GET, "/api/v1/sites", token: token).status
        case .sitesWrite:
            return try await app.send(.POST, "/api/v1/sites", token: token, json: ["name": "Site", "timeZone": "Europe/Berlin"]).status
        case .assetsRead:
            return try await app.send(.GET, "/api/v1/assets", token: token).status
        case .assetsWrite:
            let site = try await app.makeSite(tenant)
            return try await app.send(
                .POST, "/api/v1/assets", token: token,
                json: ["siteId": site.uuidString, "tag": "T-\(UUID().uuidString.prefix(6))", "name": "Pump"]
            ).status
        case .assetsDelete:
            let asset = try await app.makeAsset(tenant)
            return try await app.send(.DELETE, "/api/v1/assets/\(asset)", token: token).status
        case .metersWrite:
            let asset = try await app.makeAsset(tenant)
            return try await app.send(
                .POST, "/api/v1/meters", token: token, json: ["assetId": asset.uuidString, "name": "Hours", "unit": "h"]
            ).status
        case .readingsCreate:
            let meter = try await app.makeMeter(tenant)
            return try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: token, json: ["value": 12.5]).status
        case .teamsWrite:
            return try await app.send(.POST, "/api/v1/teams", token: token, json: ["name": "Night shift"]).status
        case .failureCodesWrite:
            return try await app.send(
                .POST, "/api/v1/failure-codes", token: token,
                json: ["category": "problem", "code": "P\(UUID().uuidString.prefix(5))", "description": "Bearing noise"]
            ).status
        case .workOrdersRead:
            return try await app.send(.GET, "/api/v1/work-orders", token: token).status
        case .workOrdersCreate:
            let site = try await app.makeSite(tenant)
            return try await app.send(.POST, "/api/v1/work-orders", token: token, json: ["title": "Fix it", "siteId": site.uuidString])
                .status
        case .workOrdersUpdate:
            let order = try await app.makeWorkOrder(tenant)
            return try await app.send(.PATCH, "/api/v1/work-orders/\(order)", token: token, json: ["priority": "high"]).status
        case .workOrdersDelete:
            let order = try await app.makeWorkOrder(tenant)
            return try await app.send(.DELETE, "/api/v1/work-orders/\(order)", token: token).status
        case .workOrdersManage:
            let order = try await app.makeWorkOrder(tenant)
            return try await app.send(.POST, "/api/v1/work-orders/\(order)/cancel", token: token, json: ["reason": "duplicate"]).status
        case .workOrdersWork:
            let order = try await app.makeWorkOrder(tenant)
            return try await app.send(.POST, "/api/v1/work-orders/\(order)/start", token: token).status
        case .partsRead:
            return try await app.send(.GET, "/api/v1/parts", token: token).status
        case .partsWrite:
            return try await app.send(
                .POST, "/api/v1/parts", token: token, json: ["number": "P-\(UUID().uuidString.prefix(6))", "name": "Belt"]
            ).status
        case .stockAdjust:
            let stock = try await app.makeStock(tenant, quantity: 0)
            return try await app.send(
                .POST, "/api/v1/stock-levels/\(stock.level)/movements", token: token,
                json: ["kind": "receive", "quantity": 5, "reason": "delivery"]
            ).status
        case .purchaseOrdersRead:
            return try await app.send(.GET, "/api/v1/purchase-orders", token: token).status
        case .purchaseOrdersWrite:
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "Acme Supply"]).json()["id"]
                .string()
            let site = try await app.makeSite(tenant)
            return try await app.send(
                .POST, "/api/v1/purchase-orders", token: token, json: ["vendorId": vendor, "siteId": site.uuidString]
            ).status
        case .requestsCreate:
            let site = try await app.makeSite(tenant)
            return try await app.send(
                .POST, "/api/v1/requests", token: token, json: ["title": "Leak in hall 2", "siteId": site.uuidString]
            ).status
        case .requestsManage:
            let site = try await app.makeSite(tenant)
            let created = try await app.send(
                .POST, "/api/v1/requests", token: tenant.token, json: ["title": "Noise", "siteId": site.uuidString])
            return try await app.send(
                .POST, "/api/v1/requests/\(try created.json()["id"].string())/decline", token: token, json: ["reason": "dup"]
            )
            .status
        case .diagnosesRead:
            return try await app.send(.GET, "/api/v1/diagnoses", token: token).status
        case .diagnosesCreate:
            return try await app.send(.POST, "/api/v1/diagnoses", token: token, json: ["query": "PowerFlex 525 F004"]).status
        case .knowledgeRead:
            return try await app.send(.GET, "/api/v1/knowledge/families", token: token).status
        case .knowledgeWrite:
            return try await app.send(
                .POST, "/api/v1/knowledge-atoms", token: token,
                json: [
                    "key": "k-\(UUID().uuidString.prefix(6).lowercased())", "manufacturer": "Acme", "type": "procedure",
                    "title": "Reset the hoist", "summary": "Hold reset for five seconds.", "safety": ["level": "info", "notes": []],
                ]
            ).status
        case .purchaseOrdersApprove:
            let order = try await app.makeSubmittedPurchaseOrder(tenant)
            return try await app.send(.POST, "/api/v1/purchase-orders/\(order.order)/approve", token: token).status
        }
    }

    @Test(arguments: Role.allCases)
    func eachRoleCanDoExactlyWhatTheMatrixGrants(role: Role) async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let token = role == .owner ? tenant.token : try await app.addMember(to: tenant, role: role).token
            for permission in Permission.allCases {
                let status = try await Self.probe(permission, app: app, tenant: tenant, token: token)
                if role.permissions.contains(permission) {
                    #expect((200..<300).contains(status.code), "\(role) \(permission.rawValue) answered \(status.code)")
                } else {
                    #expect(status == .forbidden, "\(role) \(permission.rawValue) answered \(status.code), not 403")
                }
            }
        }
    }

    @Test func anAdminCannotMakeAnOwnerNorTouchOne() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let admin = try await app.addMember(to: tenant, role: .admin)
            let promote = try await app.send(
                .POST, "/api/v1/users", token: admin.token, json: ["email": "boss@example.com", "role": "owner"])
            #expect(promote.status == .unprocessableEntity)
            #expect(try promote.problemFields() == ["role"])
            let demote = try await app.send(.PATCH, "/api/v1/users/\(tenant.ownerID)", token: admin.token, json: ["role": "viewer"])
            #expect(demote.status == .forbidden)
        }
    }

    @Test func theLastOwnerCannotBeDemotedOrRemoved() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let demote = try await app.send(.PATCH, "/api/v1/users/\(tenant.ownerID)", token: tenant.token, json: ["role": "admin"])
            #expect(demote.status == .conflict)
            let remove = try await app.send(.DELETE, "/api/v1/users/\(tenant.ownerID)", token: tenant.token)
            #expect(remove.status == .conflict)
        }
    }

    @Test func aRemovedMembersTokenStopsWorkingAtOnce() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let member = try await app.addMember(to: tenant, role: .manager)
            #expect(try await app.send(.GET, "/api/v1/users", token: member.token).status == .ok)
            #expect(try await app.send(.DELETE, "/api/v1/users/\(member.id)", token: tenant.token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/users", token: member.token).status == .unauthorized)
        }
    }
}
