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
        var request: PublicStatus
        /// Keep this to look the request up again; it is shown only now.
        var statusToken: String
    }

    struct PublicStatus: Content {
        var id: UUID
        var title: String
        var status: MaintenanceRequest.Status
        var declineReason: String?
        var createdAt: Date?
    }

    /// The asset, when its organization takes public requests.
    static func publicAsset(_ request: Request, on db: any Database) async throws -> (Asset, Organization) {
        guard let asset = try await Asset.find(try request.pathID("assetID"), on: db),
            let organization = try await Organization.find(asset.organizationID, on: db), organization.publicRequests
        else { throw AppError.notFound("No such asset.") }
        return (asset, organization)
    }

    /// The request, when the `token` query parameter is the one given at submission.
    static func tokenRequest(_ request: Request, on db: any Database) async throws -> MaintenanceRequest {
        guard let found = try await MaintenanceRequest.find(try request.pathID("requestID"), on: db), let hash = found.statusTokenHash,
            let token = request.queryParameter("token"), Secrets.constantTimeEquals(Secrets.sha256Hex(token), hash)
        else { throw AppError.notFound("No such request.") }
        return found
    }

    @Sendable static func asset(_ request: Request) async throws -> PublicAsset {
        let (asset, organization) = try await publicAsset(request, on: request.db)
        return PublicAsset(id: try asset.requireID(), tag: asset.tag, name: asset.name, organization: organization.name)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let (asset, organization) = try await publicAsset(request, on: request.db)
        try await checkRate(request)
        let input = try await RequestController.Input(request, isPublic: true)
        let (status, token) = try await create(input, asset: asset, organization: organization, request: request)
        return try await Submitted(request: status, statusToken: token).encodeResponse(status: .created, for: request)
    }

    /// Public submissions per client address; a 429 with Retry-After beyond the limit.
    static func checkRate(_ request: Request, limiter: AddressRateLimiter? = nil) async throws {
        let limiter = limiter ?? request.application.publicRequestLimiter
        if let wait = await limiter.attempt(from: request.clientAddress ?? "unknown") {
            throw AppError.tooManyRequests("Too many requests from this address. Try again in \(wait) seconds.", retryAfter: wait)
        }
    }

    /// Records a request from someone without an account, with a status token returned once. Shared by the API
    /// and the QR link's web form.
    static func create(_ input: RequestController.Input, asset: Asset, organization: Organization, request: Request) async throws
        -> (PublicStatus, token: String)
    {
        let token = Secrets.randomToken(length: 32)
        let organizationID = try organization.requireID()
        let context = AuditContext.publicRequest(request)
        let status = try await request.write { db -> PublicStatus in
            let maintenanceRequest = MaintenanceRequest()
            maintenanceRequest.organizationID = organizationID
            maintenanceRequest.siteID = asset.siteID
            maintenanceRequest.assetID = asset.id
            maintenanceRequest.title = input.title
            maintenanceRequest.details = input.description
            maintenanceRequest.contactName = input.contactName
            maintenanceRequest.contactEmail = input.contactEmail
            maintenanceRequest.status = .pending
            maintenanceRequest.statusTokenHash = Secrets.sha256Hex(token)
            maintenanceRequest.version = 1
            try await maintenanceRequest.create(on: db)
            try await AuditLog.record(
                "request.created", entityType: MaintenanceRequest.entityType, entityID: maintenanceRequest.id,
                after: maintenanceRequest.dto,
                organizationID: organizationID, context: context, on: db)
            return publicStatus(maintenanceRequest)
        }
        request.application.events.publish(
            DomainEvent(.requestCreated, organizationID: organizationID, entityID: status.id, data: ["siteId": asset.siteID.uuidString]))
        return (status, token)
    }

    static func publicStatus(_ request: MaintenanceRequest) -> PublicStatus {
        PublicStatus(
            id: request.id ?? UUID(), title: request.title, status: request.status, declineReason: request.declineReason,
            createdAt: request.createdAt)
    }

    @Sendable static func status(_ request: Request) async throws -> PublicStatus {
        publicStatus(try await tokenRequest(request, on: request.db))
    }

    /// A photo for a pending public request, with its token. Anyone may send these, so three limits hold: uploads
    /// per client address and hour (counted before the token is checked, so guessing tokens is slowed too), files
    /// per request, and bytes per request. The status token belongs to one request, so the per-request limits are
    /// the per-token ones; they are counted from the stored files, so they hold across restarts and replicas.
    @Sendable static func attach(_ request: Request) async throws -> Response {
        try await checkRate(request, limiter: request.application.publicUploadLimiter)
        let found = try await tokenRequest(request, on: request.db)
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
