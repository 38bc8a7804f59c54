import Fluent
import Maintenance
import Vapor

/// The asset pages: the tree by site and location, an asset's page (details, meters with a chart of their
/// readings, open and past work orders, PM schedules, documents, QR label), the printable label sheet, and the
/// files the pages link to.
struct WebAssetPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assets", use: Self.tree)
        routes.get("assets", "labels", use: Self.labels)
        routes.get("assets", ":assetID", use: Self.show)
        routes.get("assets", ":assetID", "qr.svg", use: Self.qr)
        routes.get("attachments", ":attachmentID", "content", use: Self.attachment)
    }

    // MARK: Tree

    struct TreeRow: Encodable {
        var kind: String
        var label: String
        var detail: String?
        var href: String?
        var depth: Int
        var status: String?
    }

    struct TreePage: Encodable {
        var page: PageContext
        var rows: [TreeRow]
        var q: String
        var count: Int
    }

    @Sendable static func tree(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.assetsRead, request)
        return try await WebPage.render("assets", try await treePage(request, principal: principal), for: request)
    }

    /// The asset tree's context: sites, their locations and assets, narrowed by `q`.
    static func treePage(_ request: Request, principal: Principal) async throws -> TreePage {
        let db = request.db
        let q = (request.queryParameter("q") ?? "").trimmingCharacters(in: .whitespaces)
        let sites = try await principal.rows(Site.DTO.self, siteColumn: "id", orderedBy: "name", on: db)
        let locations = try await principal.rows(Location.DTO.self, siteColumn: "site_id", orderedBy: "name", on: db)
        var filter = AssetFilter()
        if !q.isEmpty { filter.text = q }
        let assets = try await principal.rows(Asset.DTO.self, siteColumn: "site_id", orderedBy: "tag", on: db, where: filter.apply(to:))
        let assetIDs = Set(assets.map(\.id))
        // Each node's children, looked up once: an asset's under its parent; a top-level one (no parent among the
        // shown assets) under its site and location; a location's under its site and parent location.
        struct Place: Hashable {
            var site: UUID
            var parent: UUID?
        }
        var childAssets: [UUID: [Asset.DTO]] = [:]
        var topAssets: [Place: [Asset.DTO]] = [:]
        for asset in assets {
            if let parent = asset.parentId, assetIDs.contains(parent) {
                childAssets[parent, default: []].append(asset)
            } else {
                topAssets[Place(site: asset.siteId, parent: asset.locationId), default: []].append(asset)
            }
        }
        let childLocations = Dictionary(grouping: locations) { Place(site: $0.siteId, parent: $0.parentId) }

        var rows: [TreeRow] = []
        func add(_ assets: [Asset.DTO], depth: Int) {
            for asset in assets {
                rows.append(
                    TreeRow(
                        kind: "asset", label: "\(asset.tag) \(asset.name)",
                        detail: [asset.manufacturer, asset.model].compactMap { $0 }.joined(separator: " "),
                        href: "/assets/\(asset.id.uuidString)", depth: depth, status: asset.status.rawValue))
                add(childAssets[asset.id] ?? [], depth: depth + 1)
            }
        }
        func addLocations(parent: UUID?, site: UUID, depth: Int) {
            for location in childLocations[Place(site: site, parent: parent)] ?? [] {
                rows.append(TreeRow(kind: "location", label: location.name, detail: nil, href: nil, depth: depth, status: nil))
                add(topAssets[Place(site: site, parent: location.id)] ?? [], depth: depth + 1)
                addLocations(parent: location.id, site: site, depth: depth + 1)
            }
        }
        for site in sites {
            rows.append(TreeRow(kind: "site", label: site.name, detail: nil, href: nil, depth: 0, status: nil))
            add(topAssets[Place(site: site.id, parent: nil)] ?? [], depth: 1)
            addLocations(parent: nil, site: site.id, depth: 1)
        }
        if !q.isEmpty {
            // Searching: only the branches that hold a match.
            rows = rows.enumerated().filter { index, row in
                row.kind == "asset" || rows[(index + 1)...].prefix { $0.depth > row.depth }.contains { $0.kind == "asset" }
            }.map(\.element)
        }
        let page = TreePage(
            page: try await WebSession.page("Assets", section: "assets", principal: principal, request: request),
            rows: rows.map {
                var row = $0
                row.depth = min(row.depth, 8)
                return row
            }, q: q, count: assets.count)
        return page
    }

    // MARK: An asset

    struct MeterView: Encodable {
        var name: String
        var unit: String
        var last: String
        var chart: String
    }

    typealias Line = WebLine

    struct AssetPage: Encodable {
        var page: PageContext
        var id: String
        var tag: String
        var name: String
        var facts: [Line]
        var meters: [MeterView]
        var openOrders: [WebHome.WorkOrderRow]
        var pastOrders: [WebHome.WorkOrderRow]
        var schedules: [Line]
        var documents: [Line]
        var children: [Line]
        var requestLink: String?
        var canCreateWorkOrder: Bool
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try await WebSession.require(.assetsRead, request)
        return try await WebPage.render("asset", try await assetPage(request, principal: principal), for: request)
    }

    /// An asset's page: its facts, meters and their readings, work orders, schedules, documents and sub-assets.
    static func assetPage(_ request: Request, principal: Principal) async throws -> AssetPage {
        let db = request.db
        let asset = try await Assets.find(request.pathID("assetID"), principal: principal, on: db)
        let id = asset.id
        let names = try await principal.names([asset.siteId], table: Site.schema, label: #""name""#, on: db)
        let locations = try await principal.names(asset.locationId.map { [$0] } ?? [], table: Location.schema, label: #""name""#, on: db)
        var parent: Asset.DTO?
        if let parentID = asset.parentId { parent = try? await Assets.find(parentID, principal: principal, on: db) }
        let facts: [Line] =
            [
                ("Kind", WebFormat.label(asset.kind.rawValue)), ("Status", WebFormat.label(asset.status.rawValue)),
                ("Site", names[asset.siteId]), ("Location", asset.locationId.flatMap { locations[$0] }),
                ("Manufacturer", asset.manufacturer),
                ("Model", asset.model), ("Serial number", asset.serialNumber), ("Criticality", String(asset.criticality)),
                ("Installed", asset.installDate), ("Warranty until", asset.warrantyEnd),
            ].compactMap { label, value in value.map { Line(text: label, detail: $0, href: nil) } }
            + (parent.map { [Line(text: "Part of", detail: "\($0.tag) \($0.name)", href: "/assets/\($0.id.uuidString)")] } ?? [])

        let all = { (sort: String) in ListParameters(limit: ListParameters.maximumLimit, sortName: sort, descending: false) }
        let meters = try await Meters.list(assetID: id, all("name"), principal: principal, on: db).items
        let readings = try await MeterReadings.latest(60, of: meters.map(\.id), principal: principal, on: db)
        let meterViews = meters.map { meter in
            MeterView(
                name: meter.name, unit: meter.unit,
                last: meter.lastValue.map { "\(WebFormat.number($0)) \(meter.unit) on \(WebFormat.date(meter.lastReadAt))" }
                    ?? "no reading yet",
                chart: WebChart.line(
                    title: "\(meter.name) readings (\(meter.unit))", points: (readings[meter.id] ?? []).map { ($0.readAt, $0.value) }))
        }
        var openOrders: [WebHome.WorkOrderRow] = []
        var pastOrders: [WebHome.WorkOrderRow] = []
        if principal.can(.workOrdersRead) {
            var filter = WorkOrderFilter()
            filter.assetID = id
            let orders = try await WorkOrders.list(
                filter, .init(limit: 100, sortName: "number", descending: true), principal: principal, on: db
            ).items
            let now = Date()
            openOrders = orders.filter { !$0.status.isFinal }.map { WebHome.row($0, now: now) }
            pastOrders = orders.filter(\.status.isFinal).prefix(20).map { WebHome.row($0, now: now) }
        }
        // Schedules are work-order planning: shown to those who may read work orders, as the API's list is.
        let schedules =
            principal.can(.workOrdersRead)
            ? try await PMSchedules.list(assetID: id, all("title"), principal: principal, on: db).items.map {
                Line(text: $0.title, detail: $0.active ? "next due \(WebFormat.date($0.nextDueAt))" : "paused", href: nil)
            } : []
        let documents = try await AttachmentStore.list(of: .asset(id), all("createdAt"), principal: principal, on: db).items.map {
            Line(text: $0.filename, detail: WebFormat.dateTime($0.createdAt), href: "/attachments/\($0.id.uuidString)/content")
        }
        var childFilter = AssetFilter()
        childFilter.parentID = id
        let children = try await Assets.list(childFilter, all("tag"), principal: principal, on: db).items.map {
            Line(text: "\($0.tag) \($0.name)", detail: WebFormat.label($0.status.rawValue), href: "/assets/\($0.id.uuidString)")
        }
        let publicRequests = try await OrganizationDTO.find(id: principal.organizationID, on: db)?.settings.publicRequests ?? false
        let page = AssetPage(
            page: try await WebSession.page(asset.name, section: "assets", principal: principal, request: request), id: id.uuidString,
            tag: asset.tag, name: asset.name, facts: facts, meters: meterViews, openOrders: openOrders, pastOrders: pastOrders,
            schedules: schedules, documents: documents, children: children,
            requestLink: publicRequests ? "/assets/\(id)/request" : nil, canCreateWorkOrder: principal.can(.workOrdersCreate))
        return page
    }

    // MARK: Files the pages show (the API's handlers, for the session's member)

    @Sendable static func qr(_ request: Request) async throws -> Response {
        try await AssetLabels.qr(request.pathID("assetID"), principal: try await WebSession.requirePrincipal(request), request: request)
    }

    @Sendable static func labels(_ request: Request) async throws -> Response {
        try await AssetLabels.sheet(principal: try await WebSession.requirePrincipal(request), request: request)
    }

    @Sendable static func attachment(_ request: Request) async throws -> Response {
        try await AttachmentStore.content(
            request.pathID("attachmentID"), principal: try await WebSession.requirePrincipal(request), request: request)
    }
}
