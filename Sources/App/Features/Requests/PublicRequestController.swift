import Fluent
import Vapor

/// `/public/…`: what an asset's QR link opens when the organization allows public requests. No sign-in; the
/// asset id names the tenant, rate-limited per client address, and a 404 for everything else, so the link
/// reveals nothing when public requests are off.
struct PublicRequestController: RouteCollection {
    var maxUploadSize: Int

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.grouped("public")
        open.get("assets", ":assetID", use: Self.asset)
        open.post("assets", ":assetID", "requests", use: Self.submit)
        open.get("requests", ":requestID", use: Self.status)
        open.on(
            .POST, "requests", ":requestID", "attachments", body: .collect(maxSize: ByteCount(value: maxUploadSize + 64 * 1024)),
            use: Self.attach)
    }

    struct PublicAsset: Content {
        var id: UUID
        var tag: String
        var name: String
        var organization: String
    }

    struct Submitted: Content {
        var request: PublicRequests.Status
        /// Keep this to look the request up again; it is shown only now.
        var statusToken: String
    }

    @Sendable static func asset(_ request: Request) async throws -> PublicAsset {
        let (asset, organization) = try await PublicRequests.asset(request.pathID("assetID"), on: request.db)
        return PublicAsset(id: try asset.requireID(), tag: asset.tag, name: asset.name, organization: organization.name)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let (asset, organization) = try await PublicRequests.asset(request.pathID("assetID"), on: request.db)
        let (status, token) = try await PublicRequests.submit(
            about: asset, of: organization, from: { try JSONBody(request) }, through: request)
        return try await Submitted(request: status, statusToken: token).encodeResponse(status: .created, for: request)
    }

    @Sendable static func status(_ request: Request) async throws -> PublicRequests.Status {
        PublicRequests.Status(
            try await PublicRequests.request(request.pathID("requestID"), token: request.queryParameter("token"), on: request.db))
    }

    /// A photo for a pending public request, with its token. Anyone may send these, so three limits hold: uploads
    /// per client address and hour (counted before the token is checked, so guessing tokens is slowed too), files
    /// per request, and bytes per request. The status token belongs to one request, so the per-request limits are
    /// the per-token ones; they are counted from the stored files, so they hold across restarts and replicas.
    @Sendable static func attach(_ request: Request) async throws -> Response {
        try await PublicRequests.checkRate(request, limiter: request.application.publicUploadLimiter)
        let found = try await PublicRequests.request(request.pathID("requestID"), token: request.queryParameter("token"), on: request.db)
        guard found.status == .pending else { throw AppError.conflict("This request is already \(found.status.rawValue).") }
        let upload = try AttachmentStore.readUpload(request)
        let config = request.application.config
        let context = AuditContext.publicRequest(request)
        let requestID = try found.requireID()
        let dto = try await request.write { db -> Attachment.DTO in
            try await db.lockForUpdate(MaintenanceRequest.schema, id: requestID)
            let held = try await Attachment.query(on: db).filter(\.$requestID == requestID).all(\.$size)
            guard held.count < config.publicAttachmentsPerRequest else {
                throw AppError.conflict(
                    "This request already holds \(held.count) files, the most a request sent without an account may have.")
            }
            let total = held.reduce(upload.bytes.count, +)
            guard total <= config.publicRequestMaxBytes else {
                throw AppError.payloadTooLarge(
                    "With this file the request would hold \(total) bytes; a request sent without an account may hold \(config.publicRequestMaxBytes)."
                )
            }
            let attachment = try AttachmentStore.store(
                upload, organizationID: found.organizationID, userID: nil, dataDirectory: config.dataDirectory)
            attachment.requestID = requestID
            try await attachment.create(on: db)
            try await AuditLog.record(
                "attachment.added", entityType: "attachment", entityID: attachment.id, after: attachment.dto,
                organizationID: found.organizationID, context: context, on: db)
            return attachment.dto
        }
        return try await dto.encodeResponse(status: .created, for: request)
    }
}
