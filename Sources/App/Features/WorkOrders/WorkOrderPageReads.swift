import Fluent
import Foundation
import SQLKit

/// What the work order's page shows beside the order itself, each read by one written-out query that selects only
/// the columns the page shows: no model reflection and no SQL built per view (a profile of the page found most of
/// its time in building, serialising and decoding a dozen Fluent queries). Every query is limited to the
/// principal's organization; the order itself was found within their sites first.
enum WorkOrderPageReads {
    struct Task {
        var id: UUID
        var spec: TaskSpec
        var result: WorkOrderTask.Result
        var value: Double?
        var text: String?
        var choice: String?
    }

    struct Labor {
        var userID: UUID
        var minutes: Int
        var note: String?
        var performedAt: Date
    }

    struct Movement {
        var partID: UUID
        var kind: StockMovement.Kind
        var quantity: Double
    }

    struct Photo {
        var id: UUID
        var filename: String
        var createdAt: Date?
    }

    struct Note {
        var authorUserID: UUID?
        var body: String
        var createdAt: Date?
    }

    struct Event {
        var action: String
        var actorLabel: String
        var occurredAt: Date
    }

    struct Level {
        var id: UUID
        var partID: UUID
        var locationID: UUID
        var available: Double
    }

    /// `tag name` of the asset.
    static func assetLabel(_ id: UUID, principal: Principal, on db: any Database) async throws -> String? {
        let row = try await db.sql.raw(
            """
            SELECT "tag", "name" FROM "assets" WHERE "id" = \(bind: id) AND "organization_id" = \(bind: principal.organizationID)
            """
        ).first().map(RowReader.init)
        return try row.map { "\(try $0.string("tag")) \(try $0.string("name"))" }
    }

    static func siteName(_ id: UUID, principal: Principal, on db: any Database) async throws -> String? {
        try await db.sql.raw(
            #"SELECT "name" FROM "sites" WHERE "id" = \#(bind: id) AND "organization_id" = \#(bind: principal.organizationID)"#
        ).first().map { try RowReader($0).string("name") }
    }

    static func tasks(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Task] {
        try await db.sql.raw(
            """
            SELECT "id", "spec", "result", "value", "text", "choice" FROM "work_order_tasks" \
            WHERE "work_order_id" = \(bind: workOrderID) AND "organization_id" = \(bind: principal.organizationID) ORDER BY "position"
            """
        ).all().map(RowReader.init).map {
            Task(
                id: try $0.uuid("id"), spec: WorkOrderTask.spec(json: try $0.string("spec")), result: try $0.enum("result"),
                value: try $0.optionalDouble("value"), text: try $0.optionalString("text"), choice: try $0.optionalString("choice"))
        }
    }

    static func labor(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Labor] {
        try await db.sql.raw(
            """
            SELECT "user_id", "minutes", "note", "performed_at" FROM "labor_entries" \
            WHERE "work_order_id" = \(bind: workOrderID) AND "organization_id" = \(bind: principal.organizationID) ORDER BY "performed_at"
            """
        ).all().map(RowReader.init).map {
            Labor(
                userID: try $0.uuid("user_id"), minutes: try $0.int("minutes"), note: try $0.optionalString("note"),
                performedAt: try $0.date("performed_at"))
        }
    }

    static func movements(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Movement] {
        try await db.sql.raw(
            """
            SELECT "part_id", "kind", "quantity" FROM "stock_movements" \
            WHERE "work_order_id" = \(bind: workOrderID) AND "organization_id" = \(bind: principal.organizationID) ORDER BY "id"
            """
        ).all().map(RowReader.init).map {
            Movement(partID: try $0.uuid("part_id"), kind: try $0.enum("kind"), quantity: try $0.double("quantity"))
        }
    }

    static func photos(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Photo] {
        try await db.sql.raw(
            """
            SELECT "id", "filename", "created_at" FROM "attachments" \
            WHERE "work_order_id" = \(bind: workOrderID) AND "organization_id" = \(bind: principal.organizationID) ORDER BY "created_at"
            """
        ).all().map(RowReader.init).map {
            Photo(id: try $0.uuid("id"), filename: try $0.string("filename"), createdAt: try $0.optionalDate("created_at"))
        }
    }

    static func comments(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Note] {
        try await db.sql.raw(
            """
            SELECT "author_user_id", "body", "created_at" FROM "comments" \
            WHERE "work_order_id" = \(bind: workOrderID) AND "organization_id" = \(bind: principal.organizationID) ORDER BY "created_at"
            """
        ).all().map(RowReader.init).map {
            Note(
                authorUserID: try $0.optionalUUID("author_user_id"), body: try $0.string("body"),
                createdAt: try $0.optionalDate("created_at"))
        }
    }

    /// The order's audit events in chain order, the first 200 (the index on organization, entity and sequence).
    static func history(of workOrderID: UUID, principal: Principal, on db: any Database) async throws -> [Event] {
        try await db.sql.raw(
            """
            SELECT "action", "actor_label", "occurred_at" FROM "audit_events" \
            WHERE "organization_id" = \(bind: principal.organizationID) AND "entity_id" = \(bind: workOrderID) \
            AND "entity_type" = 'work_order' ORDER BY "sequence" LIMIT 200
            """
        ).all().map(RowReader.init).map {
            Event(action: try $0.string("action"), actorLabel: try $0.string("actor_label"), occurredAt: try $0.date("occurred_at"))
        }
    }

    /// The stores a part can be taken from: stock levels at locations of the sites the principal reaches, at most 500.
    static func levels(principal: Principal, on db: any Database) async throws -> [Level] {
        var sites = SQLQueryString("")
        if let siteIDs = principal.siteIDs {
            sites = siteIDs.isEmpty ? " AND 1 = 0" : " AND \"l\".\"site_id\" IN (\(binds: siteIDs))"
        }
        return try await db.sql.raw(
            """
            SELECT "s"."id", "s"."part_id", "s"."location_id", "s"."quantity", "s"."reserved" FROM "stock_levels" AS "s" \
            INNER JOIN "locations" AS "l" ON "l"."id" = "s"."location_id" \
            WHERE "s"."organization_id" = \(bind: principal.organizationID)\(sites) LIMIT 500
            """
        ).all().map(RowReader.init).map {
            Level(
                id: try $0.uuid("id"), partID: try $0.uuid("part_id"), locationID: try $0.uuid("location_id"),
                available: try $0.double("quantity") - $0.double("reserved"))
        }
    }
}
