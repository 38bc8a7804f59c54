import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Web sessions")
struct WebSessionTests {
    /// Whether the browser's session still opens a signed-in page.
    static func isSignedIn(_ browser: inout WebBrowser) async throws -> Bool {
        let account = try await browser.get("/account")
        if account.status == .seeOther {
            #expect(account.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
            return false
        }
        #expect(account.status == .ok)
        return true
    }

    @Test(
        "a next address that could leave the site goes home",
        arguments: [
            "/%09/evil.example", "/%0D/evil.example", "/%0A/evil.example", "%2F%2Fevil.example", "/%252F%252Fevil.example",
            "/%252F/evil.example", "%5C%5Cevil.example", "/%5Cevil.example", "/%5C/evil.example", "/%2509/evil.example",
            "https://evil.example", "//evil.example", "/%E2%80%8B/evil.example",
        ])
    func nextAddressThatLeavesTheSite(next: String) async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            // The sign-in form, posted with that address.
            var browser = WebBrowser(app: app)
            _ = try await browser.get("/sign-in?next=\(next)")
            let decoded = try #require(next.removingPercentEncoding)
            let posted = try await browser.post(
                "/sign-in", ["email": tenant.ownerEmail, "password": tenant.ownerPassword, "next": decoded])
            #expect(posted.status == .seeOther)
            #expect(posted.headers.first(name: .location) == "/")
            // Already signed in: the sign-in page sends on at once.
            let signedIn = try await browser.get("/sign-in?next=\(next)")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/")
        }
    }

    @Test func aNextAddressOnThisSiteIsKept() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let kept = try await browser.get("/sign-in?next=/work-orders%3Fstatus%3Dopen")
            #expect(kept.headers.first(name: .location) == "/work-orders?status=open")
        }
    }

    @Test func signingInIssuesANewSessionIdAndTheOldOneOpensNothing() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = WebBrowser(app: app)
            _ = try await browser.get("/sign-in")
            let planted = browser.cookie
            _ = try await browser.post("/sign-in", ["email": tenant.ownerEmail, "password": tenant.ownerPassword])
            #expect(!browser.cookie.isEmpty)
            #expect(browser.cookie != planted)
            #expect(try await Self.isSignedIn(&browser))
            var attacker = WebBrowser(app: app, cookie: planted)
            #expect(try await !Self.isSignedIn(&attacker))
            // Switching organization changes privileges: a new id again.
            let before = browser.cookie
            _ = try await browser.post("/organizations/switch", ["organizationId": tenant.organizationID.uuidString])
            #expect(browser.cookie != before)
            var old = WebBrowser(app: app, cookie: before)
            #expect(try await !Self.isSignedIn(&old))
            #expect(try await Self.isSignedIn(&browser))
        }
    }

    @Test func theDatabaseHoldsOnlyAHashOfTheSessionId() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let rows = try await WebSessionRecord.query(on: app.db).filter(\.$userID == tenant.ownerID).all()
            #expect(rows.count == 1)
            #expect(rows.first?.tokenHash == Secrets.sha256Hex(browser.cookie))
            #expect(try await WebSessionRecord.query(on: app.db).filter(\.$tokenHash == browser.cookie).count() == 0)
        }
    }

    @Test func aPasswordChangedThroughTheAPIEndsEveryWebSession() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            #expect(try await Self.isSignedIn(&browser))
            let changed = try await app.send(
                .POST, "/api/v1/me/password", token: tenant.token,
                json: ["currentPassword": tenant.ownerPassword, "newPassword": "a brand new long password"])
            #expect(changed.status == .noContent)
            #expect(try await !Self.isSignedIn(&browser))
        }
    }

    @Test func aPasswordChangedOnTheAccountPageKeepsThisBrowserAndEndsTheOthers() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var here = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            var elsewhere = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            _ = try await here.get("/account")
            let before = here.cookie
            let changed = try await here.post(
                "/account/password", ["currentPassword": tenant.ownerPassword, "newPassword": "a brand new long password"])
            #expect(changed.status == .seeOther)
            #expect(here.cookie != before)
            #expect(try await Self.isSignedIn(&here))
            #expect(try await !Self.isSignedIn(&elsewhere))
            var old = WebBrowser(app: app, cookie: before)
            #expect(try await !Self.isSignedIn(&old))
            // The API's refresh chains end too; an access token already issued lives out its 15 minutes.
            let accessToken = try await app.send(.GET, "/api/v1/me", token: tenant.token)
            #expect(accessToken.status == .ok)
            #expect(try await RefreshToken.query(on: app.db).filter(\.$userID == tenant.ownerID).filter(\.$revokedAt == nil).count() == 0)
        }
    }

    @Test func signingOutOtherSessionsEndsThemAndKeepsThisOne() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var here = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            var phone = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let account = try await here.get("/account")
            #expect(account.body.string.contains("action=\"/account/sign-out-others\""))
            let ended = try await here.post("/account/sign-out-others", [:])
            #expect(ended.status == .seeOther)
            #expect(try await Self.isSignedIn(&here))
            #expect(try await !Self.isSignedIn(&phone))
            let audit = try await app.send(.GET, "/api/v1/audit-events?action=user.signed_out_everywhere", token: tenant.token)
            #expect(try audit.json()["items"].array.count == 1)
        }
    }

    @Test func removingAMemberEndsTheirWebSessions() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let email = "tech-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let member = try await app.addMember(to: tenant, role: .technician, email: email)
            var browser = try await WebBrowser.signIn(app, email: email, password: "another long password")
            #expect(try await Self.isSignedIn(&browser))
            #expect(try await app.send(.DELETE, "/api/v1/users/\(member.id)", token: tenant.token).status == .noContent)
            #expect(try await WebSessionRecord.query(on: app.db).filter(\.$userID == member.id).count() == 0)
            #expect(try await !Self.isSignedIn(&browser))
        }
    }

    @Test func aSessionEndsOnTheServerWhenIdleAndAtTheEndOfItsLifetime() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let config = app.config
            var idle = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            var busy = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            // One left unused a minute past the idle limit; the other used a moment ago but signed in past its lifetime.
            try await WebSessionRecord.query(on: app.db).filter(\.$tokenHash == Secrets.sha256Hex(idle.cookie))
                .set(\.$lastSeenAt, to: Date().addingTimeInterval(-config.sessionIdleTimeout - 60)).update()
            try await WebSessionRecord.query(on: app.db).filter(\.$tokenHash == Secrets.sha256Hex(busy.cookie))
                .set(\.$createdAt, to: Date().addingTimeInterval(-config.sessionLifetime - 60)).update()
            #expect(try await !Self.isSignedIn(&idle))
            #expect(try await !Self.isSignedIn(&busy))
            // Both rows are gone, not only refused.
            #expect(try await WebSessionRecord.query(on: app.db).filter(\.$userID == tenant.ownerID).count() == 0)
            // A session in use stays: its last-seen time moves on.
            var fresh = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let hash = Secrets.sha256Hex(fresh.cookie)
            try await WebSessionRecord.query(on: app.db).filter(\.$tokenHash == hash)
                .set(\.$lastSeenAt, to: Date().addingTimeInterval(-config.sessionIdleTimeout + 120)).update()
            #expect(try await Self.isSignedIn(&fresh))
            let seen = try #require(try await WebSessionRecord.query(on: app.db).filter(\.$tokenHash == hash).first()).lastSeenAt
            #expect(seen > Date().addingTimeInterval(-config.sessionIdleTimeout + 3600))
        }
    }
}
