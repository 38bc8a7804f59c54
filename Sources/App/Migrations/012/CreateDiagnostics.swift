import Fluent
import SQLKit

/// Diagnoses with their feedback, organizations' own knowledge atoms, and the link from a work order back to
/// the diagnosis it came from.
struct CreateDiagnostics: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DiagnosisRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("query", .string, .required)
            .field("asset_id", .uuid, .references(Asset.schema, .id, onDelete: .setNull))
            .field("manufacturer_hint", .string)
            .field("family_hint", .string)
            .field("confident", .bool, .required)
            .field("top_atom_id", .string)
            .field("result", .json, .required)
            .field("history", .json, .required)
            .field("ocr_text", .string)
            .field("work_order_id", .uuid, .references(WorkOrder.schema, .id, onDelete: .setNull))
            .field("created_by_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.schema(DiagnosisFeedback.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("diagnosis_id", .uuid, .required, .references(DiagnosisRecord.schema, .id, onDelete: .cascade))
            .field("atom_id", .string, .required)
            .field("outcome", .string, .required)
            .field("note", .string)
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.schema(KnowledgeAtom.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("key", .string, .required)
            .field("manufacturer", .string, .required)
            .field("family", .string, .required)
            .field("title", .string, .required)
            .field("atom", .json, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "key")
            .create()
        // No foreign key: a diagnosis already points at its work order, and SQLite cannot add one to a table.
        try await database.schema(WorkOrder.schema).field("diagnosis_id", .uuid).update()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "diagnoses_created_idx").on(DiagnosisRecord.schema).column("organization_id")
                .column("created_at").run()
            try await sql.create(index: "diagnosis_feedback_atom_idx").on(DiagnosisFeedback.schema).column("organization_id")
                .column("atom_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WorkOrder.schema).deleteField("diagnosis_id").update()
        try await database.schema(KnowledgeAtom.schema).delete()
        try await database.schema(DiagnosisFeedback.schema).delete()
        try await database.schema(DiagnosisRecord.schema).delete()
    }
}
