import Diagnostics
import Fluent
import Foundation
import Vapor

/// What a diagnosis request asks: typed text, or a photo whose text OCR reads, with optional context.
struct DiagnosisInput: Sendable {
    var query: String
    var assetID: UUID?
    var manufacturer: String?
    var family: String?
    var image: (bytes: [UInt8], contentType: String)?

    static let maxQueryLength = 2000

    /// Reads a JSON body, or a `multipart/form-data` one with an `image` part and the same fields as text parts.
    /// The API's multipart form is for photos (`image` required); the diagnose page sends one form either way
    /// (`imageRequired: false`: a photo, a typed query, or both).
    static func read(_ request: Request, imageRequired: Bool = true) async throws -> DiagnosisInput {
        let isMultipart = request.headers.contentType.map { $0.type == "multipart" && $0.subType == "form-data" } ?? false
        var body: JSONBody
        var image: (bytes: [UInt8], contentType: String)?
        if isMultipart {
            try MultipartGuard.check(request)
            struct Form: Content {
                var query: String?
                var assetId: String?
                var manufacturer: String?
                var family: String?
                var image: File?
            }
            let form: Form
            do {
                form = try request.content.decode(Form.self)
            } catch {
                throw AppError.badRequest(
                    "The multipart body could not be read.", [FieldProblem(field: "body", message: "could not be read")])
            }
            var values: [String: JSONValue] = [:]
            for (key, value) in [
                ("query", form.query), ("assetId", form.assetId), ("manufacturer", form.manufacturer), ("family", form.family),
            ] {
                if let value, !value.isEmpty { values[key] = .string(value) }
            }
            body = JSONBody(values: values)
            if let file = form.image, file.data.readableBytes > 0 {
                let limit = request.application.config.maxAttachmentSize
                let bytes = Array(file.data.readableBytesView)
                if bytes.count > limit {
                    throw AppError.payloadTooLarge("The image is larger than the limit of \(limit) bytes.")
                }
                switch AttachmentStore.sniff(bytes) {
                case "image/jpeg"?: image = (bytes, "image/jpeg")
                case "image/png"?: image = (bytes, "image/png")
                default: body.add("image", "must be a JPEG or PNG image")
                }
            } else if imageRequired {
                body.add("image", "is required in a multipart request (send JSON for a typed query)")
            }
        } else {
            body = try JSONBody(request)
            body.rejectUnknown(allowed: ["query", "assetId", "manufacturer", "family"])
        }
        let query = body.string("query", required: !isMultipart || (!imageRequired && image == nil), maxLength: maxQueryLength)
        let assetID = body.reference("assetId", .asset)
        let manufacturer = body.string("manufacturer", maxLength: 100)
        let family = body.string("family", maxLength: 100)
        if let query, query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !body.problems.contains(where: { $0.field == "query" })
        {
            body.add("query", "must not be blank")
        }
        let base = try KnowledgeService.requireBuiltIn().base
        if let manufacturer, base.manufacturer(named: manufacturer) == nil {
            body.add("manufacturer", "is not a manufacturer of the knowledge base")
        }
        if let family, base.family(named: family) == nil {
            body.add("family", "is not a product family of the knowledge base")
        }
        try await body.validate(for: request.principal, on: request.db)
        return DiagnosisInput(query: query ?? "", assetID: assetID, manufacturer: manufacturer, family: family, image: image)
    }
}

/// The diagnosis operations behind `POST /diagnoses`: find the asset, read the photo, answer, keep the answer.
enum Diagnoses {
    /// Answers `input` for the principal's organization and keeps the answer.
    static func diagnose(_ input: DiagnosisInput, principal: Principal, request: Request) async throws -> DiagnosisRecord {
        var asset: Asset?
        if let assetID = input.assetID {
            do {
                asset = try await principal.findInSite(Asset.self, assetID, on: request.db)
            } catch AppError.notFound {
                throw AppError.invalid("assetId", "is not an asset you can reach")
            }
        }
        var ocrText: String?
        if let image = input.image {
            ocrText = OCRText.clean(try await request.application.ocr.read(image.bytes, contentType: image.contentType))
        }
        let text = [input.query, ocrText ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        let diagnoser = try await request.application.knowledge.diagnoser(for: principal.organizationID, on: request.db)
        let boosts = try await KnowledgeService.boosts(for: principal.organizationID, on: request.db)
        let assetContext = asset.map { [$0.manufacturer, $0.modelName].compactMap { $0 }.joined(separator: " ") }
        var result = diagnoser.diagnose(
            DiagnosisQuery(text: text, manufacturer: input.manufacturer, family: input.family, assetContext: assetContext),
            boosts: boosts)
        // A photo's query is what OCR read, which has no limit of its own; it is kept to a typed query's.
        result.query = input.query.isEmpty ? String((ocrText ?? "").prefix(DiagnosisInput.maxQueryLength)) : input.query
        // Outside any transaction: a provider may take seconds, and its failure changes nothing but the wording.
        let phrasing = await request.application.phraser?.phrase(result, logger: request.logger)
        var history: [DiagnosisRecord.HistoryItem] = []
        if let asset { history = try await Self.history(of: asset, codes: result.detected.codes, principal: principal, on: request.db) }

        let record = DiagnosisRecord()
        record.organizationID = principal.organizationID
        record.query = result.query
        record.assetID = asset?.id
        record.manufacturerHint = input.manufacturer
        record.familyHint = input.family
        record.confident = result.confident
        record.topAtomID = result.candidates.first?.atomId
        record.result = result
        record.history = history
        record.ocrText = ocrText
        record.phrasing = phrasing
        record.createdByUserID = principal.userID
        let context = try request.auditContext
        try await request.write { db in
            try await record.create(on: db)
            try await AuditLog.record(
                "diagnosis.created", entityType: DiagnosisRecord.entityType, entityID: record.id,
                after: ["query": record.query, "confident": "\(record.confident)", "topAtomId": record.topAtomID ?? ""],
                organizationID: principal.organizationID, context: context, on: db)
        }
        return record
    }

    /// The asset's past work orders with one of `codes`, newest first: "the last three times it was the fuse".
    static func history(of asset: Asset, codes: [String], principal: Principal, on db: any Database) async throws
        -> [DiagnosisRecord.HistoryItem]
    {
        let keys = Set(codes.map(FaultCode.key))
        guard !keys.isEmpty, let assetID = asset.id else { return [] }
        let orders = try await principal.query(WorkOrder.self, on: db).filter(\.$assetID == assetID)
            .sort(\.$createdAt, .descending).limit(500).all()
        return orders.filter { order in
            if (order.faultCodes ?? []).contains(where: { keys.contains(FaultCode.key($0)) }) { return true }
            let words = TextNormalizer.words(order.title + " " + (order.details ?? "")).map { FaultCode.key($0) }
            return words.contains(where: keys.contains)
        }
        .prefix(10)
        .map {
            DiagnosisRecord.HistoryItem(
                workOrderId: $0.id ?? UUID(), number: WorkOrder.displayNumber($0.number), title: $0.title, status: $0.status.rawValue,
                faultCodes: $0.faultCodes ?? [], completedAt: $0.completedAt, resolutionNote: $0.resolutionNote)
        }
    }

    /// The title and description a work order made from the diagnosis starts with.
    static func workOrderDraft(from record: DiagnosisRecord) -> (title: String, description: String) {
        guard let top = record.result.candidates.first, record.result.confident else {
            return (String("Diagnose: \(record.query)".prefix(200)), "Diagnosis without a confident answer for: \(record.query)")
        }
        let lines = ["From diagnosis \(record.id?.uuidString ?? ""): \(top.title) (\(top.familyName)).", ""] + top.explanation
        return (String(top.title.prefix(200)), String(lines.joined(separator: "\n").prefix(10_000)))
    }
}

extension Diagnoses {
    /// Members limited to some sites see the diagnoses they made themselves; the others see all.
    static func scoped(_ principal: Principal, on db: any Database) -> QueryBuilder<DiagnosisRecord> {
        let query = principal.query(DiagnosisRecord.self, on: db)
        if principal.siteIDs != nil { query.filter(\.$createdByUserID == principal.userID) }
        return query
    }

    static func find(_ principal: Principal, _ id: UUID, on db: any Database) async throws -> DiagnosisRecord {
        guard let record = try await scoped(principal, on: db).filter(\.$id == id).first() else {
            throw AppError.notFound("No such diagnosis.")
        }
        return record
    }

    /// Records what a technician said of the answer (`outcome`, `atomId` among the candidates, `note`); the API and
    /// the diagnosis page share it.
    static func recordFeedback(body: inout JSONBody, on record: DiagnosisRecord, principal: Principal, request: Request)
        async throws -> DiagnosisFeedback.DTO
    {
        body.rejectUnknown(allowed: ["outcome", "atomId", "note"])
        let outcome = body.enumValue("outcome", DiagnosisFeedback.Outcome.self, required: true)
        let atomID = body.string("atomId", maxLength: 200)
        let note = body.string("note", maxLength: 2000)
        let offered = record.result.candidates.map(\.atomId)
        if let atomID, !offered.contains(atomID) {
            body.add("atomId", "is not one of this diagnosis's candidates")
        }
        if atomID == nil && offered.isEmpty && !body.problems.contains(where: { $0.field == "atomId" }) {
            body.add("atomId", "is required: this diagnosis offered no candidate")
        }
        try body.validate()
        let context = try request.auditContext(principal)
        let diagnosisID = try record.requireID()
        return try await request.write { db -> DiagnosisFeedback.DTO in
            let feedback = DiagnosisFeedback()
            feedback.organizationID = principal.organizationID
            feedback.$diagnosis.id = diagnosisID
            feedback.atomID = atomID ?? offered[0]
            feedback.outcome = outcome ?? .helpful
            feedback.note = note
            feedback.userID = principal.userID
            try await feedback.create(on: db)
            try await AuditLog.record(
                "diagnosis.feedback_given", entityType: DiagnosisRecord.entityType, entityID: diagnosisID, after: feedback.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return feedback.dto
        }
    }

    /// The work order for a diagnosis: the draft fills what `body` leaves out, the result is read like any new work
    /// order; a second one for the same diagnosis is a conflict. The API and the diagnosis page share it.
    static func makeWorkOrder(body: inout JSONBody, from record: DiagnosisRecord, principal: Principal, request: Request)
        async throws -> WorkOrder.DTO
    {
        let id = try record.requireID()
        let draft = workOrderDraft(from: record)
        var defaults: [String: JSONValue] = [
            "title": .string(draft.title), "description": .string(draft.description),
            "faultCodes": .array(record.result.detected.codes.map(JSONValue.string)),
        ]
        if let asset = record.assetID { defaults["assetId"] = .string(asset.uuidString) }
        body = body.filling(defaults)
        let input = try await WorkOrderInput(body: &body, creating: true, allowSource: false, principal: principal, on: request.db)
        let context = try request.auditContext(principal)
        return try await request.perform { db -> Outcome<WorkOrder.DTO> in
            // Two clicks on "create a work order" make one: the second waits for the first and then finds its link.
            try await db.lockForUpdate(DiagnosisRecord.schema, id: id)
            guard try await DiagnosisRecord.find(id, on: db)?.workOrderID == nil else {
                throw AppError.conflict("This diagnosis already has a work order.")
            }
            let made = try await WorkOrders.create(
                input: input, source: .diagnosis, principal: principal, context: context, on: db
            ) { $0.diagnosisID = id }
            let workOrder = made.value
            try await DiagnosisRecord.query(on: db).filter(\.$id == id).set(\.$workOrderID, to: workOrder.id).update()
            try await AuditLog.record(
                "diagnosis.work_order_created", entityType: DiagnosisRecord.entityType, entityID: id,
                after: ["workOrderId": workOrder.id?.uuidString ?? ""], organizationID: principal.organizationID, context: context,
                on: db)
            return Outcome(workOrder.dto, events: made.events)
        }
    }
}
