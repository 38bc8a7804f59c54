import Fluent
import Vapor

/// Photos and files on work orders and requests, and `GET /attachments/{id}/content` to fetch one.
struct AttachmentController: RouteCollection {
    /// Largest upload; the multipart envelope gets a little room beyond it.
    var maxSize: Int

    func boot(routes: any RoutesBuilder) throws {
        let body = HTTPBodyStreamStrategy.collect(maxSize: ByteCount(value: maxSize + 64 * 1024))
        routes.get("work-orders", ":workOrderID", "attachments", use: Self.listForWorkOrder)
        routes.on(.POST, "work-orders", ":workOrderID", "attachments", body: body, use: Self.attachToWorkOrder)
        routes.get("requests", ":requestID", "attachments", use: Self.listForRequest)
        routes.on(.POST, "requests", ":requestID", "attachments", body: body, use: Self.attachToRequest)
        routes.get("assets", ":assetID", "attachments", use: Self.listForAsset)
        routes.on(.POST, "assets", ":assetID", "attachments", body: body, use: Self.attachToAsset)
        routes.get("attachments", ":attachmentID", "content", use: Self.content)
    }

    @Sendable static func listForWorkOrder(_ request: Request) async throws -> Response {
        try await list(request, of: .workOrder(try await WorkOrders.readable(request).requireID()))
    }

    @Sendable static func listForRequest(_ request: Request) async throws -> Response {
        let principal = try request.principal
        let found = try await Requests.visible(request.pathID("requestID"), principal: principal, on: request.db)
        return try await list(request, of: .request(try found.requireID()))
    }

    @Sendable static func listForAsset(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        let asset = try await principal.findInSite(Asset.self, request.pathID("assetID"), on: request.db)
        return try await list(request, of: .asset(try asset.requireID()))
    }

    /// One page of the owner's attachments, or all of them as CSV; the owner was found where the principal reaches it.
    static func list(_ request: Request, of owner: AttachmentStore.Owner) async throws -> Response {
        let principal = try request.principal
        return try await Listing.respond(request, sorts: AttachmentStore.sorts, defaultSort: "createdAt", filename: "attachments") {
            try await AttachmentStore.list(of: owner, $0, principal: principal, on: request.db)
        }
    }

    @Sendable static func attachToAsset(_ request: Request) async throws -> Response {
        let principal = try request.principal
        try principal.require(.assetsRead)
        let id = try request.pathID("assetID")
        _ = try await principal.findInSite(Asset.self, id, on: request.db)
        try principal.require(.assetsWrite)
        let upload = try AttachmentStore.readUpload(request)
        let dto = try await AttachmentStore.add(upload, principal: principal, through: request) { db, attachment in
            attachment.assetID = try await principal.findInSite(Asset.self, id, on: db).requireID()
        }
        return try await dto.encodeResponse(status: .created, for: request)
    }

    @Sendable static func attachToWorkOrder(_ request: Request) async throws -> Response {
        let dto = try await WorkOrders.attach(
            on: request.pathID("workOrderID"), upload: { try AttachmentStore.readUpload(request) }, principal: request.principal,
            through: request)
        return try await dto.encodeResponse(status: .created, for: request)
    }

    @Sendable static func attachToRequest(_ request: Request) async throws -> Response {
        let principal = try request.principal
        let id = try request.pathID("requestID")
        _ = try await Requests.visible(id, principal: principal, on: request.db)
        let upload = try AttachmentStore.readUpload(request)
        let dto = try await AttachmentStore.add(upload, principal: principal, through: request) { db, attachment in
            attachment.requestID = try await Requests.visible(id, principal: principal, on: db).requireID()
        }
        return try await dto.encodeResponse(status: .created, for: request)
    }

    /// The file, if the principal may read what it is attached to.
    @Sendable static func content(_ request: Request) async throws -> Response {
        try await AttachmentStore.content(request.pathID("attachmentID"), principal: try request.principal, request: request)
    }
}

extension AttachmentStore {
    /// The file, inline, for whoever may read what it is attached to (a work order, a request, an asset); a 404
    /// for everyone else.
    static func content(_ id: UUID, principal: Principal, request: Request) async throws -> Response {
        let attachment = try await principal.find(Attachment.self, id, on: request.db)
        if let workOrderID = attachment.workOrderID {
            try principal.require(.workOrdersRead)
            _ = try await principal.findInSite(WorkOrder.self, workOrderID, on: request.db)
        } else if let requestID = attachment.requestID {
            _ = try await Requests.visible(requestID, principal: principal, on: request.db)
        } else if let assetID = attachment.assetID {
            try principal.require(.assetsRead)
            _ = try await principal.findInSite(Asset.self, assetID, on: request.db)
        } else {
            throw AppError.notFound("No such attachment.")
        }
        let data = try AttachmentStore.contents(of: attachment, dataDirectory: request.application.config.dataDirectory)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        let safeName = attachment.filename.filter { $0.isLetter || $0.isNumber || "._- ".contains($0) }
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(safeName.isEmpty ? "file" : safeName)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
