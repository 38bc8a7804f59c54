import Fluent

/// Diagnoses keep the language model's wording (or why there is none) beside the plain answer.
struct UpdateDiagnosisAddPhrasing: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DiagnosisRecord.schema).field("phrasing", .json).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DiagnosisRecord.schema).deleteField("phrasing").update()
    }
}
