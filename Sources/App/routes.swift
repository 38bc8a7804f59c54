import Vapor

/// Registers every route. API routes live under `/api/v1`; the OpenAPI document lists exactly these.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.grouped(app.sessions.middleware).register(collection: WebController())

    let api = app.grouped("api", "v1").grouped(Authenticator())
    try api.register(collection: AttachmentController(maxSize: app.config.maxAttachmentSize))
    try api.register(collection: OpenAPIController())
    try api.register(collection: AuthController())
    try api.register(collection: MeController())
    try api.register(collection: OrganizationController())
    try api.register(collection: UserController())
    try api.register(collection: APIKeyController())
    try api.register(collection: AuditEventController())
    try api.register(collection: ClientController())
    try api.register(collection: SiteController())
    try api.register(collection: LocationController())
    try api.register(collection: AssetController())
    try api.register(collection: AssetLabelController())
    try api.register(collection: MeterController())
    try api.register(collection: TeamController())
    try api.register(collection: FailureCodeController())
    try api.register(collection: WorkOrderController())
    try api.register(collection: WorkOrderEntryController())
    try api.register(collection: WorkOrderPartsController())
    try api.register(collection: PartController())
    try api.register(collection: PurchaseOrderController())
    try api.register(collection: PMScheduleController())
    try api.register(collection: RequestController())
    try api.register(collection: ChecklistController())
    try api.register(collection: PublicRequestController(maxUploadSize: app.config.maxAttachmentSize))
}
