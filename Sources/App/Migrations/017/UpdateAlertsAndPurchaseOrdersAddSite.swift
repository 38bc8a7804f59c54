import Fluent
import SQLKit

/// Alerts and purchase orders belong to a site, so that members limited to some sites see only theirs: a
/// low-stock alert to the site of its stock's location, an order to the site it is delivered to. Existing rows
/// take the site of their stock level, or of their first line; an order with no line keeps none, and only
/// members who reach every site see it.
struct UpdateAlertsAndPurchaseOrdersAddSite: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for schema in [Alert.schema, PurchaseOrder.schema] {
            try await database.schema(schema).field("site_id", .uuid, .references(Site.schema, .id, onDelete: .setNull)).update()
        }
        let sql = try database.sql
        try await sql.raw(
            """
            UPDATE alerts SET site_id = (SELECT locations.site_id FROM stock_levels JOIN locations ON locations.id = stock_levels.location_id
            WHERE stock_levels.id = alerts.entity_id) WHERE kind = 'stock_low'
            """
        ).run()
        try await sql.raw(
            """
            UPDATE purchase_orders SET site_id = (SELECT locations.site_id FROM purchase_order_lines
            JOIN locations ON locations.id = purchase_order_lines.location_id
            WHERE purchase_order_lines.purchase_order_id = purchase_orders.id ORDER BY purchase_order_lines.id LIMIT 1)
            """
        ).run()
        try await sql.raw("CREATE INDEX alerts_site ON alerts (organization_id, site_id)").run()
        try await sql.raw("CREATE INDEX purchase_orders_site ON purchase_orders (organization_id, site_id)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.raw("DROP INDEX IF EXISTS alerts_site").run()
        try await sql.raw("DROP INDEX IF EXISTS purchase_orders_site").run()
        for schema in [Alert.schema, PurchaseOrder.schema] { try await database.schema(schema).deleteField("site_id").update() }
    }
}
