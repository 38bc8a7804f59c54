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
        let db = request.db
        let q = (request.queryParameter("q") ?? "").trimmingCharacters(in: .whitespaces)
        let sites = try await principal.sitesQuery(on: db).sort(\.$name).all()
        let locations = try await principal.siteQuery(Location.self, on: db).sort(\.$name).all()
        let assetQuery = principal.siteQuery(Asset.self, on: db)
        if !q.isEmpty { assetQuery.group(.or) { $0.filter(\.$name ~~ q).filter(\.$tag ~~ q) } }
        let assets = try await assetQuery.sort(\.$tag).limit(5000).all()
        let assetIDs = Set(assets.compactMap(\.id))

        var rows: [TreeRow] = []
        func addAssets(parent: UUID?, location: UUID?, site: UUID, depth: Int) {
            let here = assets.filter { asset in
                guard asset.siteID == site else { return false }
                if let parent { return asset.parentID == parent }
                // Top level here: no parent among the shown assets, in this location.
                return (asset.parentID.map { !assetIDs.contains($0) } ?? true) && asset.locationID == location
            }
            for asset in here {
                rows.append(
                    TreeRow(
                        kind: "asset", label: "\(asset.tag) \(asset.name)",
                        detail: [asset.manufacturer, asset.modelName].compactMap { $0 }.joined(separator: " "),
                        href: "/assets/\(asset.id?.uuidString ?? "")", depth: depth, status: asset.status.rawValue))
                if let id = asset.id { addAssets(parent: id, location: nil, site: site, depth: depth + 1) }
            }
        }
        func addLocations(parent: UUID?, site: UUID, depth: Int) {
            for location in locations.filter({ $0.siteID == site && $0.parentID == parent }) {
                rows.append(TreeRow(kind: "location", label: location.name, detail: nil, href: nil, depth: depth, status: nil))
                addAssets(parent: nil, location: location.id, site: site, depth: depth + 1)
                addLocations(parent: location.id, site: site, depth: depth + 1)
            }
        }
        for site in sites {
            guard let siteID = site.id else { continue }
            rows.append(TreeRow(kind: "site", label: site.name, detail: nil, href: nil, depth: 0, status: nil))
            addAssets(parent: nil, location: nil, site: siteID, depth: 1)
            addLocations(parent: nil, site: siteID, depth: 1)
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
        return try await WebPage.render("assets", page, for: request)
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
        let db = request.db
        let asset = try await principal.findInSite(Asset.self, request.pathID("assetID"), on: db)
        let id = try asset.requireID()
        let site = try await Site.find(asset.siteID, on: db)
        var location: Location?
        if let locationID = asset.locationID { location = try await Location.find(locationID, on: db) }
        var parent: Asset?
        if let parentID = asset.parentID { parent = try? await principal.findInSite(Asset.self, parentID, on: db) }
        let facts: [Line] =
            [
                ("Kind", WebFormat.label(asset.kind.rawValue)), ("Status", WebFormat.label(asset.status.rawValue)), ("Site", site?.name),
                ("Location", location?.name), ("Manufacturer", asset.manufacturer), ("Model", asset.modelName),
                ("Serial number", asset.serialNumber), ("Criticality", String(asset.criticality)), ("Installed", asset.installDate),
                ("Warranty until", asset.warrantyEnd),
            ].compactMap { label, value in value.map { Line(text: label, detail: $0, href: nil) } }
            + (parent.map { [Line(text: "Part of", detail: "\($0.tag) \($0.name)", href: "/assets/\($0.id?.uuidString ?? "")")] } ?? [])

        let meters = try await principal.query(Meter.self, on: db).filter(\.$assetID == id).sort(\.$name).all()
        var meterViews: [MeterView] = []
        for meter in meters {
            let readings = try await principal.query(MeterReading.self, on: db).filter(\.$meterID == meter.requireID())
                .sort(\.$readAt, .descending).limit(60).all().reversed()
            meterViews.append(
                MeterView(
                    name: meter.name, unit: meter.unit,
                    last: meter.lastValue.map { "\(WebFormat.number($0)) \(meter.unit) on \(WebFormat.date(meter.lastReadAt))" }
                        ?? "no reading yet",
                    chart: WebChart.line(
                        title: "\(meter.name) readings (\(meter.unit))", points: readings.map { ($0.readAt, $0.value) })))
        }
        var openOrders: [WebHome.WorkOrderRow] = []
        var pastOrders: [WebHome.WorkOrderRow] = []
        if principal.can(.workOrdersRead) {
            let orders = try await principal.siteQuery(WorkOrder.self, on: db).filter(\.$assetID == id).sort(\.$number, .descending)
                .limit(100).all()
            let now = Date()
            openOrders = orders.filter { !$0.status.isFinal }.map { WebHome.row($0, now: now) }
            pastOrders = orders.filter(\.status.isFinal).prefix(20).map { WebHome.row($0, now: now) }
        }
        let schedules = try await principal.siteQuery(PMSchedule.self, on: db).filter(\.$assetID == id).sort(\.$title).all().map {
            Line(text: $0.title, detail: $0.active ? "next due \(WebFormat.date($0.nextDueAt))" : "paused", href: nil)
        }
        let documents = try await principal.query(Attachment.self, on: db).filter(\.$assetID == id).sort(\.$createdAt).all().map {
            Line(text: $0.filename, detail: WebFormat.dateTime($0.createdAt), href: "/attachments/\($0.id?.uuidString ?? "")/content")
        }
        let children = try await principal.siteQuery(Asset.self, on: db).filter(\.$parentID == id).sort(\.$tag).all().map {
            Line(text: "\($0.tag) \($0.name)", detail: WebFormat.label($0.status.rawValue), href: "/assets/\($0.id?.uuidString ?? "")")
        }
        let publicRequests = try await Organization.find(principal.organizationID, on: db)?.publicRequests ?? false
        let page = AssetPage(
            page: try await WebSession.page(asset.name, section: "assets", principal: principal, request: request), id: id.uuidString,
            tag: asset.tag, name: asset.name, facts: facts, meters: meterViews, openOrders: openOrders, pastOrders: pastOrders,
            schedules: schedules, documents: documents, children: children,
            requestLink: publicRequests ? "/assets/\(id)/request" : nil, canCreateWorkOrder: principal.can(.workOrdersCreate))
        return try await WebPage.render("asset", page, for: request)
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
