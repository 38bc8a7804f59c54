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

    @Sendable static func list(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesRead)
        let assetID = try request.queryUUID("assetId")
        let confident = try request.queryBool("confident")
        return try await Listing.respond(request, sorts: Diagnoses.sorts, defaultSort: "-createdAt", filename: "diagnoses") {
            try await Diagnoses.list(assetID: assetID, confident: confident, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesRead)
        return try await Diagnoses.read(request.pathID("diagnosisID"), principal: principal, on: request.db).encodeResponse(for: request)
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
        let record = try await Diagnoses.read(request.pathID("diagnosisID"), principal: principal, on: request.db)
        return try await Diagnoses.feedback(on: record.id, principal: principal, on: request.db)
    }

    @Sendable static func giveFeedback(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.diagnosesCreate)
        let record = try await Diagnoses.find(principal, request.pathID("diagnosisID"), on: request.db)
        var body = try JSONBody(request)
        let feedback = try await Diagnoses.recordFeedback(body: &body, on: record, principal: principal, request: request)
        return try await feedback.encodeResponse(status: .created, for: request)
    }

    /// Makes a corrective work order from the diagnosis (title, steps and safety notes from its first candidate,
    /// the asset and codes from the query) and links the two both ways.
    @Sendable static func createWorkOrder(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.workOrdersCreate)
        let record = try await Diagnoses.find(principal, request.pathID("diagnosisID"), on: request.db)
        var body = try JSONBody.optional(request)
        let dto = try await Diagnoses.makeWorkOrder(body: &body, from: record, principal: principal, request: request)
        let response = try await dto.response(status: .created, version: dto.version, for: request)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/work-orders/\(dto.id)")
        return response
    }
}
