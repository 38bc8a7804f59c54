import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Saved views")
struct SavedViewTests {
    @Test func aMemberKeepsTheirOwnViewsAndManagersShareThem() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let technician = try await app.addMember(to: tenant, role: .technician)
            let colleague = try await app.addMember(to: tenant, role: .technician)
            let mine = try await app.send(
                .POST, "/api/v1/saved-views", token: technician.token,
                json: ["name": "My overdue", "page": "work-orders", "query": "assigneeId=me&overdue=true"])
            #expect(mine.status == .created)
            let mineID = try mine.json()["id"].uuid()
            let notAllowed = try await app.send(
                .POST, "/api/v1/saved-views", token: technician.token, json: ["name": "Team", "page": "work-orders", "shared": true])
            #expect(try notAllowed.problemFields() == ["shared"])
            let bad = try await app.send(
                .POST, "/api/v1/saved-views", token: technician.token, json: ["name": "", "page": "invoices", "query": "?x=1", "extra": 1])
            #expect(try bad.problemFields().sorted() == ["extra", "name", "page", "query"])
            let shared = try await app.send(
                .POST, "/api/v1/saved-views", token: tenant.token,
                json: ["name": "Critical", "page": "work-orders", "query": "priority=critical", "shared": true])
            #expect(shared.status == .created)
            let sharedID = try shared.json()["id"].uuid()

            let seenByColleague = try await app.send(.GET, "/api/v1/saved-views?page=work-orders", token: colleague.token).json()["items"]
                .array
            #expect(seenByColleague.map { $0["name"].stringValue } == ["Critical"])
            let seenByOwner = try await app.send(.GET, "/api/v1/saved-views", token: technician.token).json()["items"].array
            #expect(seenByOwner.map { $0["name"].stringValue } == ["Critical", "My overdue"])
            #expect(try await app.send(.DELETE, "/api/v1/saved-views/\(mineID)", token: colleague.token).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/v1/saved-views/\(sharedID)", token: colleague.token).status == .forbidden)
            #expect(try await app.send(.DELETE, "/api/v1/saved-views/\(mineID)", token: technician.token).status == .noContent)
            #expect(try await app.send(.DELETE, "/api/v1/saved-views/\(sharedID)", token: tenant.token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/saved-views", token: technician.token).json()["items"].array.isEmpty)
        }
    }

    @Test func theListPageSavesAndOffersAView() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.member(app, of: tenant, role: .manager)
            let page = try await browser.get("/work-orders?status=open&priority=high&q=").body.string
            #expect(page.contains("name=\"query\" value=\"status=open&amp;priority=high\""))
            let saved = try await browser.post("/work-orders/views", ["name": "Hot", "query": "status=open&priority=high", "shared": "on"])
            #expect(saved.headers.first(name: .location) == "/work-orders?status=open&priority=high")
            let list = try await browser.get("/work-orders?status=open&priority=high").body.string
            #expect(list.contains("href=\"/work-orders?status=open&amp;priority=high\" aria-current=\"page\">Hot</a>"))
            let id = try await app.send(.GET, "/api/v1/saved-views", token: tenant.token).json()["items"][0]["id"].string()
            #expect(try await browser.post("/work-orders/views/\(id)/delete", [:]).status == .seeOther)
            #expect(!(try await browser.get("/work-orders").body.string.contains(">Hot</a>")))
        }
    }
}
