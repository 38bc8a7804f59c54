import Fluent
import Foundation
import QRCode
import Vapor

/// `GET /assets/{id}/qr.svg` and `GET /assets/labels`, through ``AssetLabels``, which the asset pages also call.
struct AssetLabelController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assets", "labels") { request in try await AssetLabels.sheet(principal: try request.principal, request: request) }
        routes.get("assets", ":assetID", "qr.svg") { request in
            try await AssetLabels.qr(request.pathID("assetID"), principal: try request.principal, request: request)
        }
    }
}

/// QR codes that open the asset's page — or, when the organization takes public requests, its request form —
/// and a printable sheet of labels.
enum AssetLabels {
    /// Where a label sends whoever scans it.
    static func link(for asset: Asset, publicRequests: Bool, request: Request) -> String {
        let base =
            request.application.config.publicURL
            ?? "http://\(request.headers.first(name: .host) ?? "127.0.0.1:8080")"
        let id = asset.id?.uuidString.lowercased() ?? ""
        return publicRequests ? "\(base)/assets/\(id)/request" : "\(base)/assets/\(id)"
    }

    static func svg(for asset: Asset, publicRequests: Bool, request: Request, moduleSize: Int) throws -> String {
        // Level M survives a label that is a little scuffed, and keeps a typical link at version 4 or 5.
        try QRCode(encoding: link(for: asset, publicRequests: publicRequests, request: request), errorCorrection: .medium)
            .svg(moduleSize: moduleSize)
    }

    /// The asset's code as an SVG image; `?size=` is the module size in pixels (1…40, default 6).
    static func qr(_ assetID: UUID, principal: Principal, request: Request) async throws -> Response {
        try principal.require(.assetsRead)
        let asset = try await principal.findInSite(Asset.self, assetID, on: request.db)
        let organization = try await Organization.find(principal.organizationID, on: request.db)
        let size = request.query[Int.self, at: "size"].map { min(max($0, 1), 40) } ?? 6
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "image/svg+xml")
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        let svg = try svg(for: asset, publicRequests: organization?.publicRequests ?? false, request: request, moduleSize: size)
        return Response(status: .ok, headers: headers, body: .init(string: svg))
    }

    /// A printable A4 sheet of labels (QR code, tag, name) for `?assetIds=a,b,c`, or for the assets matching
    /// `siteId`/`locationId` — at most 200.
    static func sheet(principal: Principal, request: Request) async throws -> Response {
        try principal.require(.assetsRead)
        let query = principal.siteQuery(Asset.self, on: request.db)
        if let raw = request.queryParameter("assetIds") {
            var ids: [UUID] = []
            for (index, part) in raw.split(separator: ",").enumerated() {
                guard let id = UUID(uuidString: String(part)) else {
                    throw AppError.badRequest(
                        "A query parameter is not valid.", [FieldProblem(field: "assetIds[\(index)]", message: "must be a UUID")])
                }
                ids.append(id)
            }
            query.filter(\.$id ~~ ids)
        }
        if let siteID = try request.queryUUID("siteId") { query.filter(\.$siteID == siteID) }
        if let locationID = try request.queryUUID("locationId") { query.filter(\.$locationID == locationID) }
        let assets = try await query.sort(\.$tag).limit(200).all()
        let publicRequests = try await Organization.find(principal.organizationID, on: request.db)?.publicRequests ?? false
        var labels = ""
        for asset in assets {
            let code = try svg(for: asset, publicRequests: publicRequests, request: request, moduleSize: 3)
            labels += """
                <figure class="label">\(code)<figcaption><strong>\(HTMLPage.escape(asset.tag))</strong>\
                <span>\(HTMLPage.escape(asset.name))</span></figcaption></figure>

                """
        }
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Asset labels · Millwright</title>
            <style>
            @page { size: A4; margin: 10mm; }
            body { font-family: system-ui, sans-serif; margin: 0; }
            .sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
            .label { border: 1px dashed #999; margin: 0; padding: 3mm; display: flex; gap: 3mm; align-items: center; break-inside: avoid; }
            .label svg { width: 28mm; height: 28mm; flex: none; }
            figcaption { display: flex; flex-direction: column; font-size: 10pt; overflow-wrap: anywhere; }
            figcaption strong { font-size: 13pt; }
            </style></head>
            <body><main class="sheet">
            \(labels)</main></body></html>
            """
        let response = Response(status: .ok, body: .init(string: html))
        // A page like every other: never framed, same-origin only, not cached.
        WebPage.applyHeaders(to: response)
        return response
    }
}
