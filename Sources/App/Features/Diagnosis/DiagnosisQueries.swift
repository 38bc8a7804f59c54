import Diagnostics
import Fluent
import Foundation
import SQLKit

extension Diagnoses {
    static let sorts: [SortColumn] = [.createdAt]

    /// One page of the diagnoses the principal sees (a member limited to some sites: their own), `assetID`'s,
    /// `confident`'s and those asked by `createdBy` only when given, decoded straight from the rows.
    static func list(
        assetID: UUID? = nil, confident: Bool? = nil, createdBy: UUID? = nil, _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [DiagnosisRecord.DTO], nextCursor: String?) {
        let table = DiagnosisRecord.schema
        let select = try visible(principal, on: db)
        if let createdBy { select.where(table, "created_by_user_id", is: createdBy) }
        if let assetID { select.where(table, "asset_id", is: assetID) }
        if let confident { select.where(table, "confident", is: confident) }
        return try await select.page(parameters, sorts: sorts, as: DiagnosisRecord.DTO.self)
    }

    /// The diagnosis `id` as the API and its page show it, if the principal sees it; otherwise 404.
    static func read(_ id: UUID, principal: Principal, on db: any Database) async throws -> DiagnosisRecord.DTO {
        let select = try visible(principal, on: db).column(SelectList.of(DiagnosisRecord.DTO.self))
        guard let row = try await select.where(DiagnosisRecord.schema, "id", is: id).first() else {
            throw AppError.notFound("No such diagnosis.")
        }
        return try DiagnosisRecord.DTO(row: RowReader(row))
    }

    /// What was said of the diagnosis `id` (which the caller has read), oldest first.
    static func feedback(on id: UUID, principal: Principal, on db: any Database) async throws -> [DiagnosisFeedback.DTO] {
        try await principal.rows(DiagnosisFeedback.DTO.self, orderedBy: "created_at", limit: ListParameters.maximumLimit, on: db) {
            $0.where(DiagnosisFeedback.schema, "diagnosis_id", is: id)
        }
    }

    /// The diagnoses the principal sees: the organization's, or for a member limited to some sites, their own
    /// (the rule ``scoped(_:on:)`` applies to Fluent's reads).
    private static func visible(_ principal: Principal, on db: any Database) throws -> SQLSelectBuilder {
        try principal.require(.diagnosesRead)
        let select = try principal.select(DiagnosisRecord.DTO.self, on: db)
        if principal.siteIDs != nil { select.where(DiagnosisRecord.schema, "created_by_user_id", is: principal.userID) }
        return select
    }
}

extension DiagnosisFeedback.DTO: RowDecodable {
    static let table = DiagnosisFeedback.schema
    static let columns = ["id", "diagnosis_id", "atom_id", "outcome", "note", "user_id", "created_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), diagnosisId: try row.uuid("diagnosis_id"), atomId: try row.string("atom_id"),
            outcome: try row.enum("outcome"), note: try row.optionalString("note"), userId: try row.optionalUUID("user_id"),
            createdAt: try row.optionalDate("created_at"))
    }
}

extension DiagnosisRecord.DTO: RowDecodable {
    static let table = DiagnosisRecord.schema
    static let columns = [
        "id", "query", "asset_id", "confident", "result", "history", "ocr_text", "work_order_id", "phrasing", "created_by_user_id",
        "created_at",
    ]

    init(row: RowReader) throws {
        let result = try row.json("result", as: Diagnostics.Diagnosis.self)
        self.init(
            id: try row.uuid("id"), query: try row.string("query"), assetId: try row.optionalUUID("asset_id"), detected: result.detected,
            confident: try row.bool("confident"), unmatched: result.unmatched, candidates: result.candidates,
            phrasing: try row.optionalJSON("phrasing", as: DiagnosisRecord.Phrasing.self),
            history: try row.json("history", as: DiagnosisRecord.History.self).items,
            ocr: try row.optionalString("ocr_text").map { DiagnosisRecord.OCRResult(text: $0, codes: result.detected.codes) },
            workOrderId: try row.optionalUUID("work_order_id"), createdByUserId: try row.optionalUUID("created_by_user_id"),
            createdAt: try row.optionalDate("created_at"))
    }
}

/// An organization's own knowledge atoms, as the API lists them.
enum KnowledgeAtoms {
    static let sorts = [
        SortColumn("key", "key", .string), SortColumn("title", "title", .string),
        SortColumn("updatedAt", "updated_at", .date(missing: .distantPast)),
    ]

    /// One page of the organization's atoms, `manufacturer`'s and `family`'s only when given.
    static func list(
        manufacturer: String? = nil, family: String? = nil, _ parameters: ListParameters, principal: Principal, on db: any Database
    ) async throws -> (items: [KnowledgeAtom.DTO], nextCursor: String?) {
        try await principal.page(KnowledgeAtom.DTO.self, requiring: .knowledgeRead, parameters, sorts: sorts, on: db) {
            if let manufacturer { $0.where(KnowledgeAtom.schema, "manufacturer", is: manufacturer) }
            if let family { $0.where(KnowledgeAtom.schema, "family", is: family) }
        }
    }
}

extension KnowledgeAtom.DTO: RowDecodable {
    static let table = KnowledgeAtom.schema
    static let columns = ["id", "key", "atom", "version", "created_at", "updated_at"]

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), key: try row.string("key"), atom: try row.json("atom", as: Atom.self), version: try row.int("version"),
            createdAt: try row.optionalDate("created_at"), updatedAt: try row.optionalDate("updated_at"))
    }
}
