import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Requests and attachments")
struct RequestTests {
    @Test func aRequesterSubmitsAManagerApprovesAndTheWorkOrderKeepsTextAndPhotos() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let requester = try await app.addMember(to: tenant, role: .requester)
            let submitted = try await app.send(
                .POST, "/api/v1/requests", token: requester.token,
                json: ["title": "Water on the floor by press 2", "description": "Since this morning", "assetId": asset.uuidString])
            #expect(submitted.status == .created)
            let id = try submitted.json()["id"].uuid()
            let photo = try await app.upload("/api/v1/requests/\(id)/attachments", token: requester.token, bytes: jpegBytes)
            #expect(photo.status == .created)
            #expect(try photo.json()["contentType"].stringValue == "image/jpeg")

            // Requesters see their own requests only.
            let other = try await app.addMember(to: tenant, role: .requester)
            #expect(try await app.send(.GET, "/api/v1/requests/\(id)", token: other.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/requests", token: other.token).json()["items"].array.isEmpty)
            #expect(try await app.send(.POST, "/api/v1/requests/\(id)/approve", token: requester.token).status == .forbidden)

            let approved = try await app.send(.POST, "/api/v1/requests/\(id)/approve", token: tenant.token, json: ["priority": "high"])
            #expect(approved.status == .ok)
            let workOrderID = try approved.json()["workOrderId"].uuid()
            let order = try await app.send(.GET, "/api/v1/work-orders/\(workOrderID)", token: tenant.token).json()
            #expect(order["title"].stringValue == "Water on the floor by press 2")
            #expect(order["description"].stringValue == "Since this morning")
            #expect(order["source"].stringValue == "request")
            #expect(order["priority"].stringValue == "high")
            #expect(try order["requestedByUserId"].uuid() == requester.id)
            let photos = try await app.send(.GET, "/api/v1/work-orders/\(workOrderID)/attachments", token: tenant.token).json()["items"]
                .array
            #expect(photos.count == 1)
            let seen = try await app.send(.GET, "/api/v1/requests/\(id)", token: requester.token).json()
            #expect(seen["status"].stringValue == "approved")
            #expect(try await app.send(.POST, "/api/v1/requests/\(id)/approve", token: tenant.token).status == .conflict)
        }
    }

    @Test func decliningNeedsAReasonThatTheRequesterSees() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let requester = try await app.addMember(to: tenant, role: .requester)
            let id = try await app.send(
                .POST, "/api/v1/requests", token: requester.token, json: ["title": "Paint the fence", "siteId": site.uuidString]
            )
            .json()["id"].uuid()
            #expect(try await app.send(.POST, "/api/v1/requests/\(id)/decline", token: tenant.token).problemFields() == ["reason"])
            let declined = try await app.send(
                .POST, "/api/v1/requests/\(id)/decline", token: tenant.token, json: ["reason": "Not maintenance"])
            #expect(declined.status == .ok)
            let seen = try await app.send(.GET, "/api/v1/requests/\(id)", token: requester.token).json()
            #expect(seen["status"].stringValue == "declined")
            #expect(seen["declineReason"].stringValue == "Not maintenance")
        }
    }

    @Test func theQRLinkTakesPublicRequestsOnlyWhenTheOrganizationAllowsIt() async throws {
        try await withTestApp(configure: { $0.publicRequestLimit = 2 }) { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, name: "Boiler")
            #expect(try await app.send(.GET, "/api/v1/public/assets/\(asset)").status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/public/assets/\(asset)/requests", json: ["title": "Cold"]).status == .notFound)
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["publicRequests": true]])
            let shown = try await app.send(.GET, "/api/v1/public/assets/\(asset)")
            #expect(try shown.json()["name"].stringValue == "Boiler")
            let submitted = try await app.send(
                .POST, "/api/v1/public/assets/\(asset)/requests", json: ["title": "No hot water", "contactEmail": "guest@example.com"])
            #expect(submitted.status == .created)
            let id = try submitted.json()["request"]["id"].uuid()
            let token = try submitted.json()["statusToken"].string()
            #expect(try await app.send(.GET, "/api/v1/public/requests/\(id)?token=wrong").status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/public/requests/\(id)?token=\(token)").json()["status"].stringValue == "pending")
            #expect(
                try await app.upload("/api/v1/public/requests/\(id)/attachments?token=\(token)", token: nil, bytes: jpegBytes).status
                    == .created)
            let bad = try await app.send(.POST, "/api/v1/public/assets/\(asset)/requests", json: ["title": "", "colour": "red"])
            #expect(try bad.problemFields() == ["title", "colour"])
            let limited = try await app.send(.POST, "/api/v1/public/assets/\(asset)/requests", json: ["title": "again"])
            #expect(limited.status == .tooManyRequests)
            let pending = try await app.send(.GET, "/api/v1/requests?status=pending", token: tenant.token).json()["items"].array
            #expect(try pending.map { try $0["id"].uuid() } == [id])
            let events = try await app.send(.GET, "/api/v1/audit-events?entityType=request", token: tenant.token).json()["items"].array
            #expect(events.first?["actor"]["label"].stringValue == "public-request")
        }
    }

    @Test func photosSentWithoutAnAccountAreLimitedPerRequestInBytesAndPerAddress() async throws {
        try await withTestApp(configure: {
            $0.publicAttachmentsPerRequest = 3
            $0.publicRequestMaxBytes = 300
            $0.publicUploadLimit = 6
        }) { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["publicRequests": true]])
            func submit() async throws -> (UUID, String) {
                let submitted = try await app.send(.POST, "/api/v1/public/assets/\(asset)/requests", json: ["title": "Leak"])
                return (try submitted.json()["request"]["id"].uuid(), try submitted.json()["statusToken"].string())
            }
            func photo(_ id: UUID, _ token: String, bytes: [UInt8] = jpegBytes) async throws -> HTTPStatus {
                try await app.upload("/api/v1/public/requests/\(id)/attachments?token=\(token)", token: nil, bytes: bytes).status
            }
            func stored(_ id: UUID) async throws -> Int { try await Attachment.query(on: app.db).filter(\.$requestID == id).count() }

            // Files per request (which is per token: a token belongs to one request).
            let (first, firstToken) = try await submit()
            for _ in 0..<3 { #expect(try await photo(first, firstToken) == .created) }
            #expect(try await photo(first, firstToken) == .conflict)
            #expect(try await stored(first) == 3)

            // Bytes per request: 250 fit, 250 + 74 do not.
            let (second, secondToken) = try await submit()
            #expect(try await photo(second, secondToken, bytes: jpegBytes + [UInt8](repeating: 7, count: 176)) == .created)
            #expect(try await photo(second, secondToken) == .payloadTooLarge)
            #expect(try await stored(second) == 1)

            // Six uploads from this address this hour, refused ones included: the seventh waits, token or not.
            let limited = try await app.upload(
                "/api/v1/public/requests/\(second)/attachments?token=wrong", token: nil, bytes: jpegBytes)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 > 0 } == true)
            #expect(try await stored(second) == 1)
            // A member's own uploads are not limited this way.
            let order = try await app.makeWorkOrder(tenant)
            #expect(
                try await app.upload("/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: jpegBytes).status == .created)
        }
    }

    @Test func onlyRealImagesAndPDFsWithinTheSizeLimitAreStored() async throws {
        try await withTestApp(configure: { $0.maxAttachmentSize = 1000 }) { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant)
            let fake = try await app.upload(
                "/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: Array("<script>alert(1)</script>".utf8),
                filename: "x.jpg")
            #expect(fake.status == .unsupportedMediaType)
            let big = try await app.upload(
                "/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: jpegBytes + [UInt8](repeating: 1, count: 2000))
            #expect(big.status == .payloadTooLarge)
            let pdf = try await app.upload(
                "/api/v1/work-orders/\(order)/attachments", token: tenant.token, bytes: Array("%PDF-1.7\n%test".utf8),
                filename: "../../etc/passwd")
            #expect(pdf.status == .created)
            #expect(try pdf.json()["filename"].stringValue == "passwd.pdf")  // the path dropped, the name made to say what it is
            let content = try await app.send(.GET, try pdf.json()["url"].string(), token: tenant.token)
            #expect(content.status == .ok)
            #expect(content.headers.contentType?.description.hasPrefix("application/pdf") == true)
            #expect(content.body.string.hasPrefix("%PDF-1.7"))
            #expect(try await app.send(.GET, try pdf.json()["url"].string()).status == .unauthorized)
            // A manual on the asset itself.
            let asset = try await app.makeAsset(tenant)
            let manual = try await app.upload(
                "/api/v1/assets/\(asset)/attachments", token: tenant.token, bytes: Array("%PDF-1.4 manual".utf8), filename: "manual.pdf")
            #expect(manual.status == .created)
            #expect(try manual.json()["assetId"].uuid() == asset)
            let viewer = try await app.addMember(to: tenant, role: .viewer)
            #expect(try await app.send(.GET, "/api/v1/assets/\(asset)/attachments", token: viewer.token).json()["items"].array.count == 1)
            #expect(try await app.upload("/api/v1/assets/\(asset)/attachments", token: viewer.token, bytes: jpegBytes).status == .forbidden)
        }
    }
}
