import Diagnostics
import Fluent
import Vapor

/// `/diagnoses`: a fault code, a symptom or a photo of a display in; likely causes, fix steps and safety notes
/// from the knowledge base out, each with its source, or an honest "not sure".
struct DiagnosisController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let diagnoses = routes.grouped("diagnoses")
        diagnoses.get(use: Self.list)
        // A photo is up to the attachment limit; the JSON form is small either way.
        diagnoses.on(.POST, body: .collect(maxSize: "12mb"), use: Self.create)
        diagnoses.get(":diagnosisID", use: Self.show)
        diagnoses.get(":diagnosisID", "feedback", use: Self.listFeedback)
        diagnoses.post(":diagnosisID", "feedback", use: Self.giveFeedback)
        diagnoses.post(":diagnosisID", "work-order", use: Self.createWorkOrder)
    }

    static let sortFields: [SortField<DiagnosisRecord>] = [
        SortField("createdAt", "created_at") { .date($0.createdAt ?? .distantPast) }
    ]

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

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesRead)
        let query = scoped(principal, on: request.db)
        if let assetID = try request.queryUUID("assetId") { query.filter(\.$assetID == assetID) }
        if let confident = try request.queryBool("confident") { query.filter(\.$confident == confident) }
        return try await Listing.respond(
            request, query: query, sortFields: sortFields, defaultSort: "-createdAt", filename: "diagnoses"
        ) { $0.dto }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesRead)
        let record = try await find(principal, request.pathID("diagnosisID"), on: request.db)
        return try await record.dto.encodeResponse(for: request)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesCreate)
        let input = try await DiagnosisInput.read(request)
        let record = try await Diagnoses.diagnose(input, principal: principal, request: request)
        let response = try await record.dto.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/diagnoses/\(record.id?.uuidString ?? "")")
        return response
    }

    @Sendable static func listFeedback(_ request: Request) async throws -> [DiagnosisFeedback.DTO] {
        let principal = try request.principal
        try principal.require(.diagnosesRead)
        let record = try await find(principal, request.pathID("diagnosisID"), on: request.db)
        return try await principal.query(DiagnosisFeedback.self, on: request.db).filter(\.$diagnosis.$id == record.requireID())
            .sort(\.$createdAt).all().map(\.dto)
    }

    @Sendable static func giveFeedback(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesCreate)
        let record = try await find(principal, request.pathID("diagnosisID"), on: request.db)
        var body = try JSONBody(request)
        let feedback = try await recordFeedback(body: &body, on: record, principal: principal, request: request)
        return try await feedback.encodeResponse(status: .created, for: request)
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
        let context = try request.auditContext
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

    /// Makes a corrective work order from the diagnosis (title, steps and safety notes from its first candidate,
    /// the asset and codes from the query) and links the two both ways.
    @Sendable static func createWorkOrder(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersCreate)
        let record = try await find(principal, request.pathID("diagnosisID"), on: request.db)
        var body = try JSONBody.optional(request)
        let dto = try await makeWorkOrder(body: &body, from: record, principal: principal, request: request)
        let response = try await dto.response(status: .created, version: dto.version, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/work-orders/\(dto.id)")
        return response
    }

    /// The work order for a diagnosis: the draft fills what `body` leaves out, the result is read like any new work
    /// order; a second one for the same diagnosis is a conflict. The API and the diagnosis page share it.
    static func makeWorkOrder(body: inout JSONBody, from record: DiagnosisRecord, principal: Principal, request: Request)
        async throws -> WorkOrder.DTO
    {
        let id = try record.requireID()
        let draft = Diagnoses.workOrderDraft(from: record)
        var defaults: [String: JSONValue] = [
            "title": .string(draft.title), "description": .string(draft.description),
            "faultCodes": .array(record.result.detected.codes.map(JSONValue.string)),
        ]
        if let asset = record.assetID { defaults["assetId"] = .string(asset.uuidString) }
        body = body.filling(defaults)
        let input = try await WorkOrderInput(body: &body, creating: true, allowSource: false, principal: principal, on: request.db)
        let context = try request.auditContext
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
