import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Members limited to one site see nothing of the others. The site-owned tables are found by their `site_id`
/// column (or, for stock, their location's), so a new one is walked by itself: its list, and every route under
/// its collection with another site's id, as a site-limited manager and technician.
@Suite("Site limits, walked")
struct SiteWalkTests {
    /// Tables whose site is their location's.
    static let throughLocation: Set<String> = ["stock_levels", "stock_movements"]
    /// Site-owned tables with no collection of their own, with the reason.
    static let exempt: [String: String] = [
        "purchase_order_lines": "read only through their order, which is walked",
        "web_sessions": "not site data",
    ]

    @Test func aMemberLimitedToOneSiteSeesNoOtherSitesRowsInAnyListOrRoute() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let mine = try await app.makeWorld(tenant)
            _ = try await app.makeWorld(tenant, atomKey: "elsewhere")
            let site = try #require(mine.ids["siteID"])
            let manager = try await app.addMember(to: tenant, role: .manager)
            let technician = try await app.addMember(to: tenant, role: .technician)
            for member in [manager, technician] {
                let limited = try await app.send(
                    .PATCH, "/api/v1/users/\(member.id)", token: tenant.token, json: ["siteIds": [site.uuidString]])
                #expect(limited.status == .ok)
            }

            let tables = try await Self.siteOwnedTables(on: app.db).union(Self.throughLocation).subtracting(Self.exempt.keys)
            #expect(tables.isSuperset(of: ["assets", "locations", "work_orders", "pm_schedules", "requests", "alerts", "purchase_orders"]))
            var failures: [String] = []
            var walked = 0
            for table in tables.sorted() {
                let collection = table.replacingOccurrences(of: "_", with: "-")
                let elsewhere = try await Self.rows(of: table, outside: site, on: app.db)
                guard !elsewhere.isEmpty else {
                    failures.append("\(table): the fixtures made no row at another site; add one to makeWorld")
                    continue
                }
                let routes = app.routes.all.filter {
                    TenantIsolationTests.isAPI($0) && $0.path.count >= 3 && $0.path[2] == .constant(collection)
                }
                guard routes.contains(where: { $0.method == .GET && $0.path.count == 3 }) else {
                    failures.append("\(table): no GET /api/v1/\(collection); map the table to its collection in this test")
                    continue
                }
                for member in [manager, technician] {
                    let list = try await app.send(.GET, "/api/v1/\(collection)?limit=200", token: member.token)
                    for id in elsewhere where list.body.string.localizedCaseInsensitiveContains(id.uuidString) {
                        failures.append("GET /api/v1/\(collection) shows \(table) \(id) of another site")
                    }
                    for route in routes where route.path.count >= 4 {
                        guard case .parameter = route.path[3] else { continue }
                        var path = ""
                        for (index, component) in route.path.enumerated() {
                            if case .parameter(let name) = component {
                                let id = try #require(
                                    index == 3 ? elsewhere[0].uuidString : mine.ids[name]?.uuidString ?? mine.names[name],
                                    "no id for \(name)")
                                path += "/\(id)"
                            } else {
                                path += "/\(component)"
                            }
                        }
                        let body: [String: Any]? = [.POST, .PATCH, .PUT].contains(route.method) ? ["name": "taken over"] : nil
                        let response = try await app.send(route.method, path, token: member.token, json: body)
                        if ![.notFound, .forbidden].contains(response.status) {
                            failures.append("\(route.method) \(path) answered \(response.status.code) for another site's \(table)")
                        }
                        walked += 1
                    }
                }
            }
            #expect(failures == [])
            #expect(walked >= 60)
        }
    }

    @Test func anOrdersLinesAreAtItsDeliverySiteAndAlertsCarryTheirStocksSite() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let here = try await app.makeStock(tenant, quantity: 5, minimum: 10)
            let there = try await app.makeStock(tenant, quantity: 0)
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "V"]).json()["id"].string()
            let line = ["partId": there.part.uuidString, "locationId": there.location.uuidString, "quantity": 1] as [String: Any]
            let mixed = try await app.send(
                .POST, "/api/v1/purchase-orders", token: tenant.token,
                json: ["vendorId": vendor, "siteId": here.site.uuidString, "lines": [line]])
            #expect(mixed.status == .unprocessableEntity)
            #expect(try mixed.problemFields() == ["lines[0].locationId"])
            let missing = try await app.send(.POST, "/api/v1/purchase-orders", token: tenant.token, json: ["vendorId": vendor])
            #expect(try missing.problemFields() == ["siteId"])
            #expect(try await PurchaseOrder.query(on: app.db).count() == 0)
            let order = try await app.send(
                .POST, "/api/v1/purchase-orders", token: tenant.token,
                json: ["vendorId": vendor, "siteId": there.site.uuidString, "lines": [line]])
            #expect(order.status == .created)
            #expect(try order.json()["siteId"].uuid() == there.site)
            let alerts = try await app.send(.GET, "/api/v1/alerts", token: tenant.token).json()["items"].array
            #expect(try alerts.map { try $0["siteId"].uuid() } == [here.site])
        }
    }

    /// Tables with a `site_id` column.
    static func siteOwnedTables(on db: any Database) async throws -> Set<String> {
        let sql = try db.sql
        let rows =
            db.dialectKind == .sqlite
            ? try await sql.raw(
                "SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'site_id'"
            ).all()
            : try await sql.raw(
                "SELECT table_name AS name FROM information_schema.columns WHERE column_name = 'site_id' AND table_schema = current_schema()"
            ).all()
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }

    /// The ids of `table`'s rows at any site but `site` (or at none).
    static func rows(of table: String, outside site: UUID, on db: any Database) async throws -> [UUID] {
        let sql = try db.sql
        let rows =
            throughLocation.contains(table)
            ? try await sql.raw(
                "SELECT t.id AS id FROM \(ident: table) t JOIN locations l ON l.id = t.location_id WHERE l.site_id <> \(bind: site)"
            ).all()
            : try await sql.raw("SELECT id FROM \(ident: table) WHERE site_id IS NULL OR site_id <> \(bind: site)").all()
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }
}
