import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// The typed reads (``RowDecodable``) behind the lists decode every row as Fluent's models do, on both databases:
/// one of everything an organization can own, read both ways and compared.
@Suite("Typed reads")
struct TypedReadsTests {
    @Test("every typed list row reads what Fluent's model reads")
    func typedRowsMatchFluent() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let world = try await app.makeWorld(tenant)
            // Fill columns that start empty, so that values as well as NULLs are read.
            let workOrder = try #require(world.ids["workOrderID"])
            let downtime = try #require(world.ids["downtimeID"])
            let ended = try await app.send(
                .PATCH, "/api/v1/work-orders/\(workOrder)/downtime/\(downtime)", token: tenant.token,
                json: ["endedAt": "2030-01-01T10:00:00Z", "reason": "Seal"])
            #expect(ended.status == .ok)
            let task = try #require(world.ids["taskID"])
            let recorded = try await app.send(
                .PATCH, "/api/v1/work-orders/\(workOrder)/tasks/\(task)", token: tenant.token, json: ["done": true])
            #expect(recorded.status == .ok)
            let alert = try #require(world.ids["alertID"])
            #expect(try await app.send(.POST, "/api/v1/alerts/\(alert)/resolve", token: tenant.token).status == .ok)
            let comment = try await app.send(
                .POST, "/api/v1/work-orders/\(workOrder)/comments", token: tenant.token, json: ["body": "Seal replaced"])
            #expect(comment.status == .created)
            let meter = try #require(world.ids["meterID"])
            let reading = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 12.5])
            #expect(reading.status == .created)

            let db = app.db
            let organization = tenant.organizationID
            try await expectSame(LaborEntry.self, organization, on: db) { $0.dto }
            try await expectSame(WorkOrderCost.self, organization, on: db) { $0.dto }
            try await expectSame(Comment.self, organization, on: db) { $0.dto }
            try await expectSame(Downtime.self, organization, on: db) { $0.dto }
            try await expectSame(WorkOrderTask.self, organization, on: db) { $0.dto }
            try await expectSame(Reservation.self, organization, on: db) { $0.dto }
            try await expectSame(Attachment.self, organization, on: db) { $0.dto }
            try await expectSame(SavedView.self, organization, on: db) { $0.dto }
            try await expectSame(FailureCode.self, organization, on: db) { $0.dto }
            try await expectSame(ChecklistTemplate.self, organization, on: db) { $0.dto }
            try await expectSame(Team.self, organization, on: db) { $0.dto }
            try await expectSame(StockLevel.self, organization, on: db) { $0.dto }
            try await expectSame(StockMovement.self, organization, on: db) { $0.dto }
            try await expectSame(Alert.self, organization, on: db) { $0.dto }
            try await expectSame(Meter.self, organization, on: db) { $0.dto }
            try await expectSame(MeterReading.self, organization, on: db) { $0.dto }
            try await expectSame(CustomField.self, organization, on: db) { $0.dto }
            try await expectSame(MaintenanceRequest.self, organization, on: db) { $0.dto }
            try await expectSame(PMSchedule.self, organization, on: db) { $0.dto }
            try await expectSame(AuditEvent.self, organization, on: db) { $0.dto }
            try await expectSame(DiagnosisRecord.self, organization, on: db) { $0.dto }
            try await expectSame(KnowledgeAtom.self, organization, on: db) { $0.dto }
            try await expectSame(Invitation.self, organization, on: db) { $0.dto }
            try await expectSame(APIKey.self, organization, on: db) { $0.dto }

            // Members read two tables: the membership and its account.
            let owner = try await Authenticator.memberPrincipal(
                userID: tenant.ownerID, organizationID: organization, credential: .accessToken, on: db)
            let members = try await Membership.query(on: db).filter(\.$organizationID == organization)
                .join(User.self, on: \Membership.$user.$id == \User.$id).sort(User.self, \.$email).sort(\.$id).all()
                .map { try $0.dto(user: $0.joined(User.self)) }
            #expect(members.count == 2)
            let first = try await Members.list(.init(limit: 1, sortName: "email", descending: false), principal: owner, on: db)
            #expect(first.items == [members[0]])
            let cursor = try #require(first.nextCursor.flatMap { Data(base64URLEncoded: $0) })
            let second = try await Members.list(
                .init(
                    limit: 1, sortName: "email", descending: false,
                    cursor: try JSONDecoder().decode(ListParameters.Cursor.self, from: cursor)),
                principal: owner, on: db)
            #expect(second.items == [members[1]] && second.nextCursor == nil)
        }
    }

    /// Every row of `M` in the organization, read by Fluent and by `Row`'s typed read, in the same order.
    private func expectSame<M: TenantModel, Row: RowDecodable & Equatable>(
        _ model: M.Type, _ organizationID: UUID, on db: any Database,
        sourceLocation: SourceLocation = #_sourceLocation, dto: (M) throws -> Row
    ) async throws {
        let fluent = try await M.query(on: db).filter(M.organizationIDKey == organizationID).sort(\._$id).all().map(dto)
        let typed = try await db.sql.select().column(SelectList.of(Row.self)).from(Row.table)
            .where(PlainColumn("organization_id", table: Row.table), .equal, SQLBind(organizationID))
            .orderBy(PlainColumn("id", table: Row.table)).all().map { try Row(row: RowReader($0)) }
        #expect(!fluent.isEmpty, "\(M.self) has rows", sourceLocation: sourceLocation)
        #expect(typed == fluent, "\(M.self)", sourceLocation: sourceLocation)
    }

    @Test("the typed lists' filters have their indexes, and SQLite's planner uses them")
    func typedListIndexesExistAndAreUsed() async throws {
        try await withTestApp { app in
            let sql = try app.db.sql
            let listing =
                TestDatabase.isPostgres
                ? "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'index'"
            let names = Set(try await sql.raw(SQLQueryString(listing)).all().map { try $0.decode(column: "name", as: String.self) })
            for index in AddTypedListIndexes.indexes { #expect(names.contains(index.name), "\(index.name)") }
            guard !TestDatabase.isPostgres else { return }
            // An asset's documents, as its page reads them: by the asset, not by walking the organization's files.
            let plan = try await sql.raw(
                """
                EXPLAIN QUERY PLAN SELECT "id" FROM "attachments" WHERE "organization_id" = \(bind: UUID()) AND "asset_id" = \(bind: UUID())
                """
            ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
            #expect(plan.contains("attachments_asset_idx"), "\(plan)")
        }
    }
}
