import Fluent
import Vapor

/// Requests from people without an account, through an asset's QR link when its organization allows them: the
/// operations the public API (`/public/…`) and the QR link's web form share. The asset id names the tenant;
/// submissions are rate-limited per client address; everything else is a 404, so the link reveals nothing when
/// public requests are off.
enum PublicRequests {
    struct Status: Content {
        var id: UUID
        var title: String
        var status: MaintenanceRequest.Status
        var declineReason: String?
        var createdAt: Date?

        init(_ request: MaintenanceRequest) {
            id = request.id ?? UUID()
            title = request.title
            status = request.status
            declineReason = request.declineReason
            createdAt = request.createdAt
        }
    }

    /// The asset `id`, when its organization takes public requests; otherwise 404.
    static func asset(_ id: UUID, on db: any Database) async throws -> (Asset, Organization) {
        guard let asset = try await Asset.find(id, on: db), let organization = try await Organization.find(asset.organizationID, on: db),
            organization.publicRequests
        else { throw AppError.notFound("No such asset.") }
        return (asset, organization)
    }

    /// The request `id`, when `token` is the one given at submission; otherwise 404.
    static func request(_ id: UUID, token: String?, on db: any Database) async throws -> MaintenanceRequest {
        guard let found = try await MaintenanceRequest.find(id, on: db), let hash = found.statusTokenHash, let token,
            Secrets.constantTimeEquals(Secrets.sha256Hex(token), hash)
        else { throw AppError.notFound("No such request.") }
        return found
    }

    /// Public submissions per client address; a 429 with Retry-After beyond the limit.
    static func checkRate(_ request: Request, limiter: AddressRateLimiter? = nil) async throws {
        let limiter = limiter ?? request.application.publicRequestLimiter
        if let wait = await limiter.attempt(from: request.clientAddress ?? "unknown") {
            throw AppError.tooManyRequests("Too many requests from this address. Try again in \(wait) seconds.", retryAfter: wait)
        }
    }

    /// Records a request about `asset` from someone without an account (`title`, `description`, `contactName`,
    /// `contactEmail`), after the rate limit; returns its status and the token to look it up again, shown once.
    static func submit(
        about asset: Asset, of organization: Organization, from body: () throws -> JSONBody, through request: Request
    ) async throws -> (Status, token: String) {
        try await checkRate(request)
        var body = try body()
        let input = Requests.Input(reading: &body, isPublic: true)
        try body.validate()
        let token = Secrets.randomToken(length: 32)
        let organizationID = try organization.requireID()
        let context = AuditContext.publicRequest(request)
        let (status, created) = try await request.write { db -> (Status, DomainEvent) in
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
            let status = Status(maintenanceRequest)
            let created = DomainEvent(
                .requestCreated, organizationID: organizationID, entityID: status.id, data: ["siteId": asset.siteID.uuidString])
            try await Outbox.record([created], on: db)
            return (status, created)
        }
        request.application.events.publish(created)
        return (status, token)
    }
}
