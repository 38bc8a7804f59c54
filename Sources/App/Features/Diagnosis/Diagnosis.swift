import Diagnostics
import Fluent
import Foundation
import Vapor

/// A question put to the knowledge base and the answer given, kept so that feedback, work orders and the
/// technician's history can point at it. The answer is stored as it was shown, not recomputed.
final class DiagnosisRecord: Model, @unchecked Sendable {
    static let schema = "diagnoses"
    static let entityType = "diagnosis"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "query") var query: String
    @OptionalField(key: "asset_id") var assetID: UUID?
    @OptionalField(key: "manufacturer_hint") var manufacturerHint: String?
    @OptionalField(key: "family_hint") var familyHint: String?
    @Field(key: "confident") var confident: Bool
    /// The atom ranked first, for lists and statistics.
    @OptionalField(key: "top_atom_id") var topAtomID: String?
    @Field(key: "result") var result: Diagnostics.Diagnosis
    /// Stored as an object: PostgreSQL would bind a bare Swift array as `jsonb[]`, not `jsonb`.
    @Field(key: "history") var storedHistory: History
    /// The text OCR read from a photo, when the query came as one.
    @OptionalField(key: "ocr_text") var ocrText: String?
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    /// The language model's wording of the answer, when one is configured.
    @OptionalField(key: "phrasing") var phrasing: Phrasing?
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    struct History: Codable, Equatable, Sendable {
        var items: [HistoryItem]
    }

    var history: [HistoryItem] {
        get { storedHistory.items }
        set { storedHistory = History(items: newValue) }
    }

    /// A past work order on the same asset with the same code: "the last three times it was the DC-bus fuse".
    struct HistoryItem: Codable, Equatable, Sendable {
        var workOrderId: UUID
        var number: String
        var title: String
        var status: String
        var faultCodes: [String]
        var completedAt: Date?
        var resolutionNote: String?
    }

    /// A language model's wording of a confident answer, checked against the atoms it cites; or why there is none.
    struct Phrasing: Codable, Equatable, Sendable {
        enum Status: String, Codable, Sendable {
            case phrased
            /// The provider failed, timed out, is paused, or its text failed the checks: the plain answer stands.
            case unavailable
        }
        var status: Status
        var text: String?
        /// The atoms the text cites, all among the candidates.
        var citations: [String]
        var provider: String
        var model: String
        var reason: String?
    }

    struct DTO: Content, Equatable {
        var id: UUID
        var query: String
        var assetId: UUID?
        var detected: Diagnostics.Diagnosis.Detected
        var confident: Bool
        var unmatched: [String]
        var candidates: [Diagnostics.Diagnosis.Candidate]
        var phrasing: Phrasing?
        var history: [HistoryItem]
        var ocr: OCRResult?
        var workOrderId: UUID?
        var createdByUserId: UUID?
        var createdAt: Date?
    }

    struct OCRResult: Content, Equatable {
        var text: String
        var codes: [String]
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), query: query, assetId: assetID, detected: result.detected, confident: confident,
            unmatched: result.unmatched, candidates: result.candidates, phrasing: phrasing, history: history,
            ocr: ocrText.map { OCRResult(text: $0, codes: result.detected.codes) }, workOrderId: workOrderID,
            createdByUserId: createdByUserID, createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [
            _id, _organizationID, _query, _assetID, _manufacturerHint, _familyHint, _confident, _topAtomID, _result, _storedHistory,
            _ocrText, _workOrderID, _phrasing, _createdByUserID, _createdAt,
        ]
    }
}

/// What a technician said about an answer: it helped, it did not, or it fixed the machine.
final class DiagnosisFeedback: Model, @unchecked Sendable {
    static let schema = "diagnosis_feedback"
    static let entityType = "diagnosis_feedback"

    enum Outcome: String, Codable, CaseIterable, Sendable {
        case helpful
        case notHelpful = "not_helpful"
        case fixed
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "diagnosis_id") var diagnosis: DiagnosisRecord
    @Field(key: "atom_id") var atomID: String
    @Field(key: "outcome") var outcome: Outcome
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "user_id") var userID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    struct DTO: Content, Equatable {
        var id: UUID
        var diagnosisId: UUID
        var atomId: String
        var outcome: Outcome
        var note: String?
        var userId: UUID?
        var createdAt: Date?
    }

    var dto: DTO {
        DTO(
            id: id ?? UUID(), diagnosisId: $diagnosis.id, atomId: atomID, outcome: outcome, note: note, userId: userID,
            createdAt: createdAt)
    }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _organizationID, _diagnosis, _atomID, _outcome, _note, _userID, _createdAt] }
}

extension DiagnosisRecord: TenantModel {
    static var organizationIDKey: KeyPath<DiagnosisRecord, FieldProperty<DiagnosisRecord, UUID>> { \.$organizationID }
}

extension DiagnosisFeedback: TenantModel {
    static var organizationIDKey: KeyPath<DiagnosisFeedback, FieldProperty<DiagnosisFeedback, UUID>> { \.$organizationID }
}
