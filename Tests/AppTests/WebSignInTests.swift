import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Web sign-in")
struct WebSignInTests {
    /// Pulls the session cookie and CSRF token out of the sign-in page.
    static func openSignIn(_ app: Application) async throws -> (cookie: String, csrf: String, html: String) {
        let page = try await app.send(.GET, "/")
        #expect(page.status == .ok)
        let html = page.body.string
        let cookie = try #require(page.headers.setCookie?["millwright-session"]?.string)
        let marker = "name=\"csrfToken\" value=\""
        let start = try #require(html.range(of: marker)).upperBound
        let csrf = String(html[start...].prefix { $0 != "\"" })
        return (cookie, csrf, html)
    }

    static func post(_ app: Application, _ path: String, cookie: String, form: [String: String]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        headers.cookie = ["millwright-session": .init(string: cookie)]
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(
            separator: "&")
        return try await app.send(.POST, path, headers: headers, body: body)
    }

    @Test func signInWithTheFormShowsTheSignedInPage() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant("Plant North")
            let (cookie, csrf, html) = try await Self.openSignIn(app)
            #expect(html.contains("<form method=\"post\" action=\"/sign-in\">"))
            let signIn = try await Self.post(
                app, "/sign-in", cookie: cookie, form: ["email": tenant.ownerEmail, "password": tenant.ownerPassword, "csrfToken": csrf])
            #expect(signIn.status == .seeOther)
            let signedIn = try #require(signIn.headers.setCookie?["millwright-session"]?.string)
            var headers = HTTPHeaders()
            headers.cookie = ["millwright-session": .init(string: signedIn)]
            let home = try await app.send(.GET, "/", headers: headers)
            #expect(home.body.string.contains(tenant.ownerEmail))
            #expect(home.body.string.contains("Plant North"))
        }
    }

    @Test func aFormWithoutTheCSRFTokenIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let (cookie, _, _) = try await Self.openSignIn(app)
            let forged = try await Self.post(
                app, "/sign-in", cookie: cookie, form: ["email": tenant.ownerEmail, "password": tenant.ownerPassword, "csrfToken": "guess"])
            #expect(forged.status == .forbidden)
            var headers = HTTPHeaders()
            headers.cookie = ["millwright-session": .init(string: cookie)]
            #expect(try await app.send(.GET, "/", headers: headers).body.string.contains("Sign in to Millwright"))
        }
    }

    @Test func aWrongPasswordShowsTheFormAgainWithAnError() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let (cookie, csrf, _) = try await Self.openSignIn(app)
            let wrong = try await Self.post(
                app, "/sign-in", cookie: cookie, form: ["email": tenant.ownerEmail, "password": "nope nope", "csrfToken": csrf])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("role=\"alert\""))
            #expect(wrong.body.string.contains(tenant.ownerEmail))
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let (anonymous, csrf, _) = try await Self.openSignIn(app)
            let signIn = try await Self.post(
                app, "/sign-in", cookie: anonymous, form: ["email": tenant.ownerEmail, "password": tenant.ownerPassword, "csrfToken": csrf])
            let cookie = try #require(signIn.headers.setCookie?["millwright-session"]?.string)
            var headers = HTTPHeaders()
            headers.cookie = ["millwright-session": .init(string: cookie)]
            let home = try await app.send(.GET, "/", headers: headers).body.string
            let marker = "name=\"csrfToken\" value=\""
            let start = try #require(home.range(of: marker)).upperBound
            let signedInCSRF = String(home[start...].prefix { $0 != "\"" })
            let out = try await Self.post(app, "/sign-out", cookie: cookie, form: ["csrfToken": signedInCSRF])
            #expect(out.status == .seeOther)
            #expect(try await app.send(.GET, "/", headers: headers).body.string.contains("Sign in to Millwright"))
        }
    }
}

@Suite("QR link pages")
struct WebAssetPageTests {
    @Test func theRequestFormTakesARequestKeepsInputOnErrorsAndIsHiddenWhenPublicRequestsAreOff() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, tag: "BLR-1", name: "Boiler")
            let path = "/assets/\(asset.uuidString.lowercased())/request"
            #expect(try await app.send(.GET, path).status == .notFound)
            _ = try await app.send(.PATCH, "/api/v1/organization", token: tenant.token, json: ["settings": ["publicRequests": true]])
            let page = try await app.send(.GET, path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Report a problem with Boiler"))
            let cookie = try #require(page.headers.setCookie?["millwright-session"]?.string)
            let marker = "name=\"csrfToken\" value=\""
            let start = try #require(page.body.string.range(of: marker)).upperBound
            let csrf = String(page.body.string[start...].prefix { $0 != "\"" })

            let forged = try await WebSignInTests.post(app, path, cookie: cookie, form: ["title": "Leak", "csrfToken": "nope"])
            #expect(forged.status == .forbidden)
            let invalid = try await WebSignInTests.post(
                app, path, cookie: cookie, form: ["title": "", "contactEmail": "not-an-address", "csrfToken": csrf])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("id=\"title-error\""))
            #expect(invalid.body.string.contains("id=\"contactEmail-error\""))
            #expect(invalid.body.string.contains("value=\"not-an-address\""))
            let sent = try await WebSignInTests.post(
                app, path, cookie: cookie, form: ["title": "No hot water", "description": "Since 6am", "csrfToken": csrf])
            #expect(sent.status == .created)
            #expect(sent.body.string.contains("id=\"status-link\""))
            let pending = try await app.send(.GET, "/api/v1/requests?status=pending", token: tenant.token).json()["items"].array
            #expect(pending.compactMap(\.["title"].stringValue) == ["No hot water"])
            #expect(try pending[0]["assetId"].uuid() == asset)
        }
    }

    @Test func theAssetPageIsForSignedInMembersWhoCanSeeTheAsset() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, tag: "CNV-03", name: "Conveyor 3")
            let anonymous = try await app.send(.GET, "/assets/\(asset)")
            #expect(anonymous.status == .seeOther)
            let browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
            let headers = browser.headers
            let page = try await app.send(.GET, "/assets/\(asset)", headers: headers)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("CNV-03"))
            #expect(try await app.send(.GET, "/assets/\(UUID())", headers: headers).status == .notFound)
        }
    }
}
