import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Parts, stock and purchasing")
struct InventoryTests {
    static func quantity(_ app: Application, _ tenant: Tenant, _ level: UUID) async throws -> Double? {
        try await app.send(.GET, "/api/v1/stock-levels/\(level)", token: tenant.token).json()["quantity"].value as? Double
    }

    @Test func everyStockChangeIsALedgerMovementWithItsBalance() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 20)
            func move(_ json: [String: Any]) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/stock-levels/\(stock.level)/movements", token: tenant.token, json: json)
            }
            #expect(try await move(["kind": "adjust", "quantity": -2, "reason": "damaged"]).status == .created)
            #expect(try await move(["kind": "count", "quantity": 17, "reason": "cycle count"]).status == .created)
            let site = try await app.makeSite(tenant)
            let otherStores = try await app.send(
                .POST, "/api/v1/locations", token: tenant.token, json: ["siteId": site.uuidString, "name": "Van 3"]
            ).json()["id"].uuid()
            let transfer = try await move([
                "kind": "transfer_out", "quantity": 5, "reason": "stock the van", "toLocationId": otherStores.uuidString,
            ])
            #expect(transfer.status == .created)
            #expect(try transfer.json().array.count == 2)
            #expect(try await Self.quantity(app, tenant, stock.level) == 12)
            let ledger = try await app.send(.GET, "/api/v1/stock-movements?partId=\(stock.part)&sort=createdAt", token: tenant.token).json()
            let kinds = ledger["items"].array.compactMap(\.["kind"].stringValue)
            #expect(kinds == ["receive", "adjust", "count", "transfer_out", "transfer_in"])
            #expect(ledger["items"].array.compactMap { $0["balanceAfter"].value as? Double } == [20, 18, 17, 12, 5])
            let bad = try await move(["kind": "issue", "quantity": 0, "reason": ""])
            #expect(try bad.problemFields() == ["kind", "reason"])
        }
    }

    @Test func issuingToAWorkOrderTakesStockInTheSameTransactionAndNeverBelowZero() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 3)
            let order = try await app.makeWorkOrder(tenant)
            let issued = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 2])
            #expect(issued.status == .created)
            #expect(try issued.json()["unitCost"].value as? Double == 12.5)
            let tooMany = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 2])
            #expect(tooMany.status == .conflict)
            #expect(try await Self.quantity(app, tenant, stock.level) == 1)
            let back = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/parts/return", token: tenant.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 3])
            #expect(try back.problemFields() == ["quantity"])
            #expect(
                try await app.send(
                    .POST, "/api/v1/work-orders/\(order)/parts/return", token: tenant.token,
                    json: ["stockLevelId": stock.level.uuidString, "quantity": 1]
                ).status == .created)
            let used = try await app.send(.GET, "/api/v1/work-orders/\(order)/parts", token: tenant.token)
            #expect(try used.json()["items"].array.compactMap { $0["quantity"].value as? Double } == [-2, 1])
            // With negative stock allowed, the same request goes through.
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["allowNegativeStock": true]])
            #expect(
                try await app.send(
                    .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                    json: ["stockLevelId": stock.level.uuidString, "quantity": 5]
                ).status == .created)
            #expect(try await Self.quantity(app, tenant, stock.level) == -3)
        }
    }

    @Test func twoTechniciansIssuingTheLastUnitAtOnceOnlyOneSucceeds() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for round in 0..<5 {
                let stock = try await app.makeStock(tenant, quantity: 1)
                let first = try await app.makeWorkOrder(tenant)
                let second = try await app.makeWorkOrder(tenant)
                let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                    for order in [first, second] {
                        group.addTask {
                            try await app.send(
                                .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                                json: ["stockLevelId": stock.level.uuidString, "quantity": 1]
                            ).status.code
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }.sorted()
                }
                #expect(statuses == [201, 409], "round \(round)")
                #expect(try await Self.quantity(app, tenant, stock.level) == 0)
            }
        }
    }

    @Test func reservationsHoldStockForOneOrderAndAreReleasedWhenItFinishes() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 4)
            let first = try await app.makeWorkOrder(tenant)
            let second = try await app.makeWorkOrder(tenant)
            let reserved = try await app.send(
                .POST, "/api/v1/work-orders/\(first)/reservations", token: tenant.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 3])
            #expect(reserved.status == .created)
            let level = try await app.send(.GET, "/api/v1/stock-levels/\(stock.level)", token: tenant.token).json()
            #expect(level["available"].value as? Double == 1)
            #expect(
                try await app.send(
                    .POST, "/api/v1/work-orders/\(second)/parts", token: tenant.token,
                    json: ["stockLevelId": stock.level.uuidString, "quantity": 2]
                ).status == .conflict)
            #expect(
                try await app.send(
                    .POST, "/api/v1/work-orders/\(first)/parts", token: tenant.token,
                    json: ["stockLevelId": stock.level.uuidString, "quantity": 4]
                ).status == .created)
            let after = try await app.send(.GET, "/api/v1/stock-levels/\(stock.level)", token: tenant.token).json()
            #expect(after["reserved"].value as? Double == 0)
            #expect(after["quantity"].value as? Double == 0)

            let again = try await app.makeStock(tenant, quantity: 2)
            _ = try await app.send(
                .POST, "/api/v1/work-orders/\(second)/reservations", token: tenant.token,
                json: ["stockLevelId": again.level.uuidString, "quantity": 2])
            _ = try await app.send(.POST, "/api/v1/work-orders/\(second)/cancel", token: tenant.token, json: ["reason": "not needed"])
            #expect(
                try await app.send(.GET, "/api/v1/stock-levels/\(again.level)", token: tenant.token).json()["reserved"].value as? Double
                    == 0)
        }
    }

    @Test func fallingBelowTheMinimumRaisesAnAlertAndDraftsAPurchaseOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "Bearings Ltd"]).json()["id"]
                .string()
            let stock = try await app.makeStock(tenant, quantity: 6, minimum: 5, partJSON: ["preferredVendorId": vendor])
            _ = try await app.send(.PATCH, "/api/v1/stock-levels/\(stock.level)", token: tenant.token, json: ["reorderQuantity": 12])
            let order = try await app.makeWorkOrder(tenant)
            let events = try await app.events.recording {
                _ = try await app.send(
                    .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                    json: ["stockLevelId": stock.level.uuidString, "quantity": 2])
            }
            #expect(events.filter { $0.name == .stockLow }.map(\.entityID) == [stock.level])
            let alerts = try await app.send(.GET, "/api/v1/alerts?status=open", token: tenant.token).json()["items"].array
            #expect(alerts.count == 1)
            #expect(try alerts[0]["entityId"].uuid() == stock.level)
            let drafts = try await app.send(.GET, "/api/v1/purchase-orders?status=draft", token: tenant.token).json()["items"].array
            #expect(drafts.count == 1)
            #expect(drafts[0]["automatic"].boolValue == true)
            let detail = try await app.send(.GET, "/api/v1/purchase-orders/\(try drafts[0]["id"].string())", token: tenant.token).json()
            #expect(detail["lines"][0]["quantity"].value as? Double == 12)
            // A second dip does not draft a second order while one is open.
            _ = try await app.send(
                .POST, "/api/v1/stock-levels/\(stock.level)/movements", token: tenant.token,
                json: ["kind": "receive", "quantity": 10, "reason": "x"])
            #expect(try await app.send(.GET, "/api/v1/alerts?status=open", token: tenant.token).json()["items"].array.isEmpty)
            _ = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/parts", token: tenant.token,
                json: ["stockLevelId": stock.level.uuidString, "quantity": 12])
            #expect(try await app.send(.GET, "/api/v1/purchase-orders?status=draft", token: tenant.token).json()["items"].array.count == 1)
        }
    }

    @Test func aPurchaseOrderIsApprovedThenReceivedInPartsAtItsCost() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let manager = try await app.addMember(to: tenant, role: .manager)
            let purchase = try await app.makeSubmittedPurchaseOrder(tenant)
            #expect(
                try await app.send(.POST, "/api/v1/purchase-orders/\(purchase.order)/approve", token: manager.token).status == .forbidden)
            let early = try await app.send(
                .POST, "/api/v1/purchase-orders/\(purchase.order)/receive", token: tenant.token,
                json: ["lines": [["lineId": purchase.line.uuidString, "quantity": 4]]])
            #expect(early.status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/purchase-orders/\(purchase.order)/approve", token: tenant.token).status == .ok)
            let part = try await app.send(
                .POST, "/api/v1/purchase-orders/\(purchase.order)/receive", token: tenant.token,
                json: ["lines": [["lineId": purchase.line.uuidString, "quantity": 4]]])
            #expect(try part.json()["status"].stringValue == "partially_received")
            let over = try await app.send(
                .POST, "/api/v1/purchase-orders/\(purchase.order)/receive", token: tenant.token,
                json: ["lines": [["lineId": purchase.line.uuidString, "quantity": 7]]])
            #expect(try over.problemFields() == ["lines[0].quantity"])
            let rest = try await app.send(
                .POST, "/api/v1/purchase-orders/\(purchase.order)/receive", token: tenant.token,
                json: ["lines": [["lineId": purchase.line.uuidString, "quantity": 6]]])
            #expect(try rest.json()["status"].stringValue == "received")
            #expect(try await Self.quantity(app, tenant, purchase.level) == 10)
            let receipts = try await app.send(.GET, "/api/v1/stock-movements?kind=receive", token: tenant.token).json()["items"].array
            #expect(receipts.allSatisfy { $0["unitCost"].value as? Double == 12.5 })
            #expect(
                try await app.send(.POST, "/api/v1/purchase-orders/\(purchase.order)/close", token: tenant.token).json()["status"]
                    .stringValue == "closed")
            let cancel = try await app.send(.POST, "/api/v1/purchase-orders/\(purchase.order)/cancel", token: tenant.token)
            #expect(cancel.status == .conflict)
        }
    }
}

/// The parts list reads its rows straight into DTOs (``Parts/list(_:_:principal:on:)``): what Fluent's models give,
/// in the same order and pages, with the same filters.
@Suite("Parts list, typed")
struct PartListTests {
    @Test func theTypedListGivesWhatTheModelsGivePageByPage() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "Bearings Ltd"]).json()["id"]
                .uuid()
            for index in 0..<7 {
                var json: [String: Any] = [
                    "number": "P-\(index)", "name": index.isMultiple(of: 2) ? "Bearing \(index)" : "Belt \(index)",
                    "unitCost": 2.5 * Double(index),
                ]
                if index == 3 {
                    json.merge([
                        "barcode": "4006381333931", "critical": true, "preferredVendorId": vendor.uuidString, "description": "6205-2RS",
                    ]) { $1 }
                }
                #expect(try await app.send(.POST, "/api/v1/parts", token: tenant.token, json: json).status == .created)
            }
            let owner = try await Authenticator.memberPrincipal(
                userID: tenant.ownerID, organizationID: tenant.organizationID, credential: .accessToken, on: app.db)
            let expected = try await Part.query(on: app.db).filter(\.$organizationID == tenant.organizationID).all().map(\.dto)
                .sorted { $0.number < $1.number }
            var parameters = ListParameters(limit: 3, sortName: "number", descending: false)
            var read: [Part.DTO] = []
            while true {
                let (items, next) = try await Parts.list(PartFilter(), parameters, principal: owner, on: app.db)
                read += items
                guard let next else { break }
                parameters.cursor = try JSONDecoder().decode(ListParameters.Cursor.self, from: #require(Data(base64URLEncoded: next)))
            }
            #expect(read == expected)
            #expect(read.first { $0.number == "P-3" }?.preferredVendorId == vendor)
            let all = ListParameters(limit: 50, sortName: "name", descending: true)
            var filter = PartFilter()
            filter.text = "Bearing"
            #expect(try await Parts.list(filter, all, principal: owner, on: app.db).items.map(\.number) == ["P-6", "P-4", "P-2", "P-0"])
            filter = PartFilter()
            filter.criticalOnly = true
            #expect(try await Parts.list(filter, all, principal: owner, on: app.db).items.map(\.number) == ["P-3"])
            filter = PartFilter()
            filter.barcode = "4006381333931"
            #expect(try await Parts.list(filter, all, principal: owner, on: app.db).items.map(\.number) == ["P-3"])
        }
    }
}

/// The purchase-order and location lists read their rows straight into DTOs: what Fluent's models give.
@Suite("Purchase-order and location lists, typed")
struct OrderAndLocationListTests {
    @Test func theTypedListsGiveWhatTheModelsGive() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.makeSubmittedPurchaseOrder(tenant)
            _ = try await app.makeSubmittedPurchaseOrder(tenant)
            let owner = try await Authenticator.memberPrincipal(
                userID: tenant.ownerID, organizationID: tenant.organizationID, credential: .accessToken, on: app.db)
            let orders = try await PurchaseOrder.query(on: app.db).filter(\.$organizationID == tenant.organizationID)
                .sort(\.$number, .descending).all().map(\.dto)
            #expect(orders.count == 2)
            let read = try await PurchaseOrders.list(.init(limit: 1, sortName: "number", descending: true), principal: owner, on: app.db)
            #expect(read.items == [orders[0]] && read.nextCursor != nil)
            #expect(
                try await PurchaseOrders.list(
                    status: .submitted, .init(limit: 50, sortName: "number", descending: true), principal: owner, on: app.db
                )
                .items == orders)
            #expect(
                try await PurchaseOrders.list(
                    status: .draft, .init(limit: 50, sortName: "number", descending: true), principal: owner, on: app.db
                )
                .items.isEmpty)
            let locations = try await Location.query(on: app.db).filter(\.$organizationID == tenant.organizationID).sort(\.$name)
                .sort(\.$id).all().map(\.dto)
            #expect(!locations.isEmpty)
            #expect(
                try await Locations.list(.init(limit: 50, sortName: "name", descending: false), principal: owner, on: app.db).items
                    == locations)
        }
    }
}
