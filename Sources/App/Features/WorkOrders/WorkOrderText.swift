import Fluent
import Maintenance
import Vapor

extension WorkOrderController {
    /// `POST /work-orders/from-text {text, siteId?}`: a draft from what a technician typed — the asset (fuzzy on
    /// name and tag, with its score), priority and type from the words, and the fault codes in it.
    @Sendable static func fromText(_ request: Request) async throws -> WorkOrders.TextDraftDTO {
        let principal = try request.principal
        try principal.require(.workOrdersCreate)
        var body = try JSONBody(request)
        return try await WorkOrders.draft(from: &body, principal: principal, on: request.db)
    }
}

extension WorkOrders {
    /// One asset the text may mean, with how sure the match is.
    struct AssetMatchDTO: Content {
        var id: UUID
        var tag: String
        var name: String
        /// 0…1: 1 is the exact tag; below 0.5 is only offered as an alternative.
        var score: Double
        var matchedOn: String
        var matchedText: String
    }

    /// `POST /work-orders/from-text`'s answer: nothing is saved. To confirm, `POST /work-orders` with these
    /// fields (edited as needed) and `source: "text"`.
    struct TextDraftDTO: Content {
        var title: String
        var description: String
        var asset: AssetMatchDTO?
        var alternatives: [AssetMatchDTO]
        var siteId: UUID?
        var priority: WorkOrderPriority
        var type: WorkOrderType
        var faultCodes: [String]
        /// Why each guess was made, e.g. `priority high: 'urgent'`.
        var signals: [String]
    }

    /// Most assets a text is matched against; an organization with more narrows it with `siteId`.
    static let textCandidateLimit = 20_000

    /// A draft from `{text, siteId?}`; nothing is saved. The API's `from-text` and the new-work-order page share it.
    static func draft(from body: inout JSONBody, principal: Principal, on db: any Database) async throws
        -> TextDraftDTO
    {
        body.rejectUnknown(allowed: ["text", "siteId"])
        let text = body.string("text", required: true, maxLength: 2000)
        let siteID = body.reference("siteId", .site)
        try await body.validate(for: principal, on: db)
        guard let text else { throw AppError.validation(body.problems) }
        let query = principal.siteQuery(Asset.self, on: db).filter(\.$status != .decommissioned)
        if let siteID { query.filter(\.$siteID == siteID) }
        let assets = try await query.limit(textCandidateLimit).all()
        let byID = Dictionary(uniqueKeysWithValues: assets.compactMap { asset in asset.id.map { ($0, asset) } })
        // A kind stands in for a word of the name ("printer 2" finds "Prusa MK4 #2"); the generic kinds would match
        // any "machine" in a sentence, so they are left out.
        let generic: Set<Asset.Kind> = [.machine, .facility, .other, .itDevice]
        let candidates = assets.compactMap { asset in
            asset.id.map {
                AssetCandidate(id: $0, name: asset.name, tag: asset.tag, kind: generic.contains(asset.kind) ? nil : asset.kind.rawValue)
            }
        }
        let draft = WorkOrderTextParser.draft(from: text, assets: candidates)
        func dto(_ match: AssetMatch) -> AssetMatchDTO? {
            byID[match.assetID].map {
                AssetMatchDTO(
                    id: match.assetID, tag: $0.tag, name: $0.name, score: (match.score * 1000).rounded() / 1000,
                    matchedOn: match.matchedOn.rawValue, matchedText: match.matchedText)
            }
        }
        let asset = draft.asset.flatMap(dto)
        return TextDraftDTO(
            title: draft.title, description: draft.description, asset: asset, alternatives: draft.alternatives.compactMap(dto),
            siteId: asset.flatMap { byID[$0.id]?.siteID } ?? siteID, priority: draft.priority, type: draft.type,
            faultCodes: draft.faultCodes, signals: draft.signals)
    }
}
