import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// A browser session in tests: the session cookie and the CSRF token of the last page seen.
struct WebBrowser {
    let app: Application
    var cookie = ""
    var csrf = ""

    static func signIn(_ app: Application, email: String, password: String) async throws -> WebBrowser {
        var browser = WebBrowser(app: app)
        let page = try await browser.get("/sign-in")
        try #require(page.headers.setCookie?["millwright-session"] != nil)
        let signedIn = try await browser.post("/sign-in", ["email": email, "password": password])
        #expect(signedIn.status == .seeOther, "sign-in failed: \(signedIn.body.string.prefix(300))")
        _ = try await browser.get("/")
        return browser
    }

    /// A member of `tenant` with `role`, signed in through the form.
    static func member(_ app: Application, of tenant: Tenant, role: Role) async throws -> WebBrowser {
        if role == .owner { return try await signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword) }
        let email = "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        _ = try await app.addMember(to: tenant, role: role, email: email)
        return try await signIn(app, email: email, password: "another long password")
    }

    mutating func remember(_ html: String) {
        let marker = "name=\"csrfToken\" value=\""
        if let start = html.range(of: marker)?.upperBound { csrf = String(html[start...].prefix { $0 != "\"" }) }
    }

    /// Keeps what a browser keeps from an answer: a new session cookie (sign-in issues one) and the page's CSRF token.
    mutating func remember(_ response: TestingHTTPResponse) {
        if let cookie = response.headers.setCookie?["millwright-session"] { self.cookie = cookie.string }
        remember(response.body.string)
    }

    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.cookie = ["millwright-session": .init(string: cookie)]
        return headers
    }

    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await app.send(.GET, path, headers: headers)
        remember(response)
        return response
    }

    mutating func post(_ path: String, _ form: [String: String], csrf: Bool = true) async throws -> TestingHTTPResponse {
        var headers = headers
        headers.contentType = .urlEncodedForm
        var fields = form
        if csrf { fields["csrfToken"] = self.csrf }
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        let response = try await app.send(.POST, path, headers: headers, body: body)
        remember(response)
        return response
    }
}

@Suite("Web pages")
struct WebPageTests {
    /// Each page, the roles it is for, and a piece of text it shows them.
    static let pages: [(path: String, allowed: Set<Role>, shows: String)] = [
        ("/", Set(Role.allCases), "<h1>Home</h1>"),
        ("/account", Set(Role.allCases), "Change your password"),
        ("/work-orders", Role.with(.workOrdersRead), "<h1>Work orders</h1>"),
        ("/work-orders/new", Role.with(.workOrdersCreate), "<h1>New work order</h1>"),
        ("/work-orders/board", Role.with(.workOrdersRead), "<h1>Board</h1>"),
        ("/diagnose", Role.with(.diagnosesCreate), "<h1>Diagnose</h1>"),
        ("/assets", Role.with(.assetsRead), "<h1>Assets</h1>"),
        ("/admin/users", Role.with(.usersRead), "<h1>Members</h1>"),
        ("/sites", Role.with(.sitesRead), "<h1>Sites</h1>"),
        ("/clients", Role.with(.clientsRead), "<h1>Clients</h1>"),
        ("/vendors", Role.with(.partsRead), "<h1>Vendors</h1>"),
        ("/parts", Role.with(.partsRead), "<h1>Parts</h1>"),
        ("/pm-schedules", Role.with(.workOrdersRead), "<h1>PM schedules</h1>"),
        ("/pm-schedules/compliance", Role.with(.workOrdersRead), "<h1>PM compliance</h1>"),
        ("/purchase-orders", Role.with(.purchaseOrdersRead), "<h1>Purchase orders</h1>"),
        ("/admin/api-keys", Role.with(.apiKeysRead), "<h1>API keys</h1>"),
        ("/admin/audit", Role.with(.auditRead), "<h1>Audit trail</h1>"),
        ("/admin/jobs", Role.with(.organizationUpdate), "<h1>Jobs</h1>"),
        ("/requests", Role.with(.requestsCreate).union(Role.with(.requestsManage)), "<h1>Requests</h1>"),
    ]

    @Test func everyPageRendersForTheRolesItAllowsAndIsRefusedForTheOthers() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            for role in Role.allCases {
                var browser = try await WebBrowser.member(app, of: tenant, role: role)
                for page in Self.pages {
                    let response = try await browser.get(page.path)
                    let html = response.body.string
                    if page.allowed.contains(role) {
                        #expect(response.status == .ok, "\(role) \(page.path): \(response.status)")
                        #expect(html.contains(page.shows), "\(role) \(page.path)")
                        #expect(html.contains("<nav aria-label=\"Main\">"))
                        #expect(response.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(page.path): \(response.status)")
                        #expect(html.contains("role=\"alert\""))
                    }
                }
                // The navigation offers only what the role may open.
                let home = try await browser.get("/").body.string
                #expect(home.contains("href=\"/diagnose\"") == Role.diagnoseRoles.contains(role), "\(role)")
            }
        }
    }

    @Test func signedOutVisitorsAreSentToSignInAndBackAfterwards() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let anonymous = try await app.send(.GET, "/work-orders?status=open")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers.first(name: .location) == "/sign-in?next=/work-orders?status%3Dopen")
            #expect(try await app.send(.GET, "/events").status == .seeOther)
            var browser = WebBrowser(app: app)
            let form = try await browser.get("/sign-in?next=/work-orders")
            try #require(form.headers.setCookie?["millwright-session"] != nil)
            #expect(form.body.string.contains("name=\"next\" value=\"/work-orders\""))
            let signedIn = try await browser.post(
                "/sign-in", ["email": tenant.ownerEmail, "password": tenant.ownerPassword, "next": "/work-orders"])
            #expect(signedIn.headers.first(name: .location) == "/work-orders")
            // Never to another site.
            #expect(WebSession.localPath("//evil.example/x") == "/")
            #expect(WebSession.localPath("https://evil.example") == "/")
        }
    }

    @Test func aFormWithoutTheSessionsTokenChangesNothing() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.member(app, of: tenant, role: .owner)
            let refused = try await browser.post(
                "/account/password", ["currentPassword": tenant.ownerPassword, "newPassword": "a new long password 1"], csrf: false)
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("The form expired"))
            // The old password still works.
            _ = try await app.signIn(email: tenant.ownerEmail, password: tenant.ownerPassword)
        }
    }

    @Test func thePasswordFormShowsTheAPIsFieldErrorsAndThenChangesIt() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.member(app, of: tenant, role: .owner)
            _ = try await browser.get("/account")
            let wrong = try await browser.post("/account/password", ["currentPassword": "not it", "newPassword": "short"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("id=\"newPassword-error\""))
            let changed = try await browser.post(
                "/account/password", ["currentPassword": tenant.ownerPassword, "newPassword": "a new long password 1"])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/account").body.string.contains("Password changed"))
            _ = try await app.signIn(email: tenant.ownerEmail, password: "a new long password 1")
        }
    }

    @Test func aMemberOfTwoOrganizationsSwitchesBetweenThem() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant("Plant North")
            let second = try await app.makeTenant("Plant South")
            let hasher = app.passwordHasher
            _ = try await app.write { db in
                try await Accounts.addMember(
                    .init(email: first.ownerEmail, name: "Owner", role: .technician, password: nil, siteIDs: nil),
                    organizationID: second.organizationID, context: .cli("test", app), passwordHasher: hasher, on: db)
            }
            var browser = try await WebBrowser.member(app, of: first, role: .owner)
            let home = try await browser.get("/").body.string
            #expect(home.contains("Plant South"))
            let switched = try await browser.post("/organizations/switch", ["organizationId": second.organizationID.uuidString])
            #expect(switched.status == .seeOther)
            let after = try await browser.get("/").body.string
            #expect(after.contains("<option value=\"\(second.organizationID)\" selected>"))
            // A technician there: no management panels.
            #expect(!after.contains("Backlog by priority"))
            let stranger = try await browser.post("/organizations/switch", ["organizationId": UUID().uuidString])
            #expect(stranger.status == .notFound)
        }
    }
}

extension Role {
    /// The roles holding `permission`, from the one permission matrix.
    static func with(_ permission: Permission) -> Set<Role> { Set(allCases.filter { $0.permissions.contains(permission) }) }

    /// The roles that may diagnose (diagnoses:create).
    static var diagnoseRoles: Set<Role> { with(.diagnosesCreate) }
}

extension WebBrowser {
    /// Posts a file the way a page's upload form does (multipart, with the CSRF token).
    mutating func postFile(_ path: String, name: String, bytes: [UInt8], filename: String, contentType: String) async throws
        -> TestingHTTPResponse
    {
        let boundary = "millwright-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrfToken\"\r\n\r\n\(csrf)\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: \(contentType)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
        remember(response)
        return response
    }

    /// Posts a `multipart/form-data` form (the diagnose page's), with the CSRF token.
    mutating func postMultipart(_ path: String, _ fields: [String: String]) async throws -> TestingHTTPResponse {
        let boundary = "millwright-test-\(UUID().uuidString)"
        var body = ""
        for (name, value) in fields.merging(["csrfToken": csrf], uniquingKeysWith: { first, _ in first }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let response = try await app.send(.POST, path, headers: headers, body: body)
        remember(response)
        return response
    }
}

@Suite("Web diagnose page")
struct WebDiagnosePageTests {
    @Test func aTypedCodeGivesTheAnswerWithSafetyFirstAndFeedbackAndAWorkOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.send(.POST, "/api/v1/sites", token: tenant.token, json: ["name": "Main plant"])
            var browser = try await WebBrowser.member(app, of: tenant, role: .technician)
            _ = try await browser.get("/diagnose")
            let created = try await browser.postMultipart("/diagnose", ["query": "PowerFlex 525 F004"])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let page = try await browser.get(location)
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("data-atom=\"rockwell.powerflex-520.f004\""))
            // The safety notes come before the causes and steps, marked by level.
            let safety = try #require(html.range(of: "id=\"safety-heading\""))
            let causes = try #require(html.range(of: "<h3>Likely causes</h3>"))
            #expect(safety.lowerBound < causes.lowerBound)
            #expect(html.contains("class=\"answer safety-danger\"") || html.contains("class=\"answer safety-warning\""))
            #expect(html.contains("Source:"))

            let feedback = try await browser.post(location + "/feedback", ["atomId": "rockwell.powerflex-520.f004", "outcome": "fixed"])
            #expect(feedback.status == .seeOther)
            #expect(try await browser.get(location).body.string.contains("Fixed for rockwell.powerflex-520.f004"))
            let stored = try await app.send(.GET, "/api/v1\(location)/feedback", token: tenant.token).json()
            #expect(stored.array.map { $0["outcome"].stringValue } == ["fixed"])

            let workOrder = try await browser.post(location + "/work-order", [:])
            #expect(workOrder.status == .seeOther)
            let orderPage = try await browser.get(try #require(workOrder.headers.first(name: .location)))
            #expect(orderPage.body.string.contains("F004 UnderVoltage"))
            #expect(orderPage.body.string.contains("href=\"\(location)\""))
            // A second click goes to the same work order.
            let again = try await browser.post(location + "/work-order", [:])
            #expect(again.headers.first(name: .location) == workOrder.headers.first(name: .location))
        }
    }

    @Test func anEmptyQueryShowsTheFieldErrorAndAnUnknownCodeSaysSo() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var browser = try await WebBrowser.member(app, of: tenant, role: .owner)
            _ = try await browser.get("/diagnose")
            let empty = try await browser.postMultipart("/diagnose", ["query": ""])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("id=\"query-error\""))
            let unknown = try await browser.postMultipart("/diagnose", ["query": "PowerFlex 525 F099"])
            let html = try await browser.get(try #require(unknown.headers.first(name: .location))).body.string
            #expect(html.contains("No confident answer"))
            #expect(html.contains("F099"))
            #expect(!html.contains("id=\"answer\""))
        }
    }

    @Test func aDiagnosisIsNotSeenByAnotherOrganization() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            let id = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"]).json()["id"]
                .uuid()
            var stranger = try await WebBrowser.member(app, of: other, role: .owner)
            #expect(try await stranger.get("/diagnoses/\(id)").status == .notFound)
            #expect(try await stranger.post("/diagnoses/\(id)/work-order", [:]).status == .notFound)
        }
    }
}

@Suite("Web work-order pages")
struct WebWorkOrderPageTests {
    @Test func theListFiltersLikeTheAPIAndTheDetailPageShowsTheOrder() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.send(.POST, "/api/v1/sites", token: tenant.token, json: ["name": "Main plant"]).json()["id"].uuid()
            for (title, priority) in [("Replace belt", "high"), ("Grease bearings", "low")] {
                let made = try await app.send(
                    .POST, "/api/v1/work-orders", token: tenant.token,
                    json: ["title": title, "priority": priority, "siteId": site.uuidString])
                #expect(made.status == .created)
            }
            var browser = try await WebBrowser.member(app, of: tenant, role: .manager)
            let all = try await browser.get("/work-orders").body.string
            #expect(all.contains("Replace belt") && all.contains("Grease bearings"))
            let high = try await browser.get("/work-orders?status=&priority=high&q=").body.string
            #expect(high.contains("Replace belt") && !high.contains("Grease bearings"))
            #expect(high.contains("<option value=\"high\" selected>"))
            let bad = try await browser.get("/work-orders?priority=urgent")
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("priority"))
            let id = try await app.send(.GET, "/api/v1/work-orders?priority=high", token: tenant.token).json()["items"][0]["id"].uuid()
            let detail = try await browser.get("/work-orders/\(id)").body.string
            #expect(detail.contains("Replace belt"))
            #expect(detail.contains("Main plant"))
            #expect(try await browser.get("/work-orders/\(UUID())").status == .notFound)
            let home = try await browser.get("/").body.string
            #expect(home.contains("Backlog by priority"))
            #expect(home.contains("<svg class=\"chart\""))
            #expect(home.contains("2 created and 0 completed"))
        }
    }
}

@Suite("Working a work order on its page")
struct WebWorkOrderWorkTests {
    @Test func aTechnicianWorksTheChecklistLogsTimeUsesAPartCommentsAndCompletes() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 5)
            let technicianEmail = "tech-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let technician = try await app.addMember(to: tenant, role: .technician, email: technicianEmail)
            let order = try await app.makeWorkOrder(tenant, json: ["assigneeIds": [technician.id.uuidString]])
            let tasks = try await app.send(
                .POST, "/api/v1/work-orders/\(order)/tasks", token: tenant.token,
                json: [
                    "items": [
                        ["kind": "subtask", "label": "Isolate the drive"], ["kind": "number", "label": "Belt tension", "unit": "N"],
                    ]
                ])
            #expect(tasks.status == .created)
            let taskIDs = try tasks.json().array.map { try $0["id"].string() }
            var browser = try await WebBrowser.signIn(app, email: technicianEmail, password: "another long password")
            let path = "/work-orders/\(order)"
            let page = try await browser.get(path).body.string
            #expect(page.contains("Isolate the drive") && page.contains("id=\"action-start\""))

            #expect(try await browser.post(path + "/actions/start", [:]).status == .seeOther)
            #expect(try await browser.post(path + "/tasks/\(taskIDs[0])", ["done": "true"]).status == .seeOther)
            let badValue = try await browser.post(path + "/tasks/\(taskIDs[1])", ["value": "tight"])
            #expect(badValue.status == .unprocessableEntity)
            #expect(try await browser.post(path + "/tasks/\(taskIDs[1])", ["value": "410"]).status == .seeOther)

            // A bad time entry: the API's field error beside the field, what was typed kept, nothing stored.
            let badTime = try await browser.post(path + "/labor", ["minutes": "-5", "note": "belt change"])
            #expect(badTime.status == .unprocessableEntity)
            #expect(badTime.body.string.contains("id=\"minutes-error\""))
            #expect(badTime.body.string.contains("value=\"belt change\""))
            #expect(try await browser.post(path + "/labor", ["minutes": "45", "note": "belt change"]).status == .seeOther)
            #expect(
                try await browser.post(path + "/parts", ["stockLevelId": stock.level.uuidString, "quantity": "2"]).status == .seeOther)
            #expect(try await browser.post(path + "/comments", ["body": "Old belt glazed"]).status == .seeOther)
            let photo = try await browser.postFile(
                path + "/attachments", name: "file", bytes: jpegBytes, filename: "belt.jpg", contentType: "image/jpeg")
            #expect(photo.status == .seeOther, "\(photo.body.string.prefix(2000))")

            let worked = try await browser.get(path).body.string
            #expect(worked.contains("Total: 45 min"))
            #expect(worked.contains("Old belt glazed"))
            #expect(worked.contains("belt.jpg"))
            #expect(worked.contains("2 × "))
            #expect(worked.contains("Checklist updated.") == false)  // the flash was for the earlier page
            let complete = try await browser.post(path + "/actions/complete", ["resolutionNote": "Belt replaced"])
            #expect(complete.status == .seeOther)
            let done = try await app.send(.GET, "/api/v1\(path)", token: tenant.token).json()
            #expect(done["status"].stringValue == "completed")
            let level = try await app.send(.GET, "/api/v1/stock-levels/\(stock.level)", token: tenant.token).json()
            #expect(level["quantity"].value as? Double == 3)
            let labor = try await app.send(.GET, "/api/v1\(path)/labor", token: tenant.token).json()["items"].array
            #expect(labor.count == 1)
            // The history shows what happened, through the audit trail.
            #expect(try await browser.get(path).body.string.contains("Work order complete <"))
        }
    }

    @Test func aStalePageCannotOverwriteANewerState() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant)
            var browser = try await WebBrowser.member(app, of: tenant, role: .owner)
            let path = "/work-orders/\(order)"
            _ = try await browser.get(path)
            // Someone else starts it meanwhile; the page still shows version 1.
            #expect(try await app.send(.POST, "/api/v1\(path)/start", token: tenant.token).status == .ok)
            let stale = try await browser.post(path + "/actions/hold", ["version": "1", "reason": "waiting"])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.body.string.contains("id=\"form-problem\""))
        }
    }

    @Test func aWorkOrderFromTextShowsTheDraftThenCreatesIt() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, tag: "CNV-03", name: "Conveyor 3")
            var browser = try await WebBrowser.member(app, of: tenant, role: .manager)
            _ = try await browser.get("/work-orders/new")
            let draft = try await browser.post("/work-orders/new", ["text": "CNV-03 belt squealing, urgent"])
            #expect(draft.status == .ok)
            let html = draft.body.string
            #expect(html.contains("<option value=\"\(asset)\" selected>"))
            #expect(html.contains("<option value=\"high\" selected>") || html.contains("<option value=\"critical\" selected>"))
            let empty = try await browser.post("/work-orders/new", ["text": ""])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("id=\"text-error\""))
            let created = try await browser.post(
                "/work-orders",
                [
                    "title": "CNV-03 belt squealing", "assetId": asset.uuidString, "priority": "high", "type": "corrective",
                    "fromText": "true",
                ])
            #expect(created.status == .seeOther)
            let listed = try await app.send(.GET, "/api/v1/work-orders?source=text", token: tenant.token).json()["items"].array
            #expect(listed.map { $0["title"].stringValue } == ["CNV-03 belt squealing"])
            let missing = try await browser.post("/work-orders", ["title": "", "fromText": "true"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("id=\"title-error\""))
        }
    }
}

/// The parts form on a work order's page offers the stores a member reaches, nowhere else.
@Suite("Stores on a work order's page")
struct WebWorkOrderStoresTests {
    @Test func aMemberLimitedToOneSiteIsOfferedThatSitesStoresOnly() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let here = try await app.makeStock(tenant, quantity: 5)
            let elsewhere = try await app.makeStock(tenant, quantity: 5)
            let email = "tech-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let technician = try await app.addMember(to: tenant, role: .technician, email: email)
            let limit = try await app.send(
                .PATCH, "/api/v1/users/\(technician.id)", token: tenant.token, json: ["siteIds": [here.site.uuidString]])
            #expect(limit.status == .ok)
            let order = try await app.makeWorkOrder(
                tenant, json: ["siteId": here.site.uuidString, "assigneeIds": [technician.id.uuidString]])
            // The owner, who reaches every site, is offered both stores.
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            let everywhere = try await owner.get("/work-orders/\(order)").body.string
            #expect(everywhere.contains(here.level.uuidString) && everywhere.contains(elsewhere.level.uuidString))
            var browser = try await WebBrowser.signIn(app, email: email, password: "another long password")
            let page = try await browser.get("/work-orders/\(order)").body.string
            #expect(page.contains(here.level.uuidString))
            #expect(!page.contains(elsewhere.level.uuidString))
        }
    }
}

@Suite("Web requests page")
struct WebRequestPageTests {
    @Test func aRequesterSendsARequestAndAManagerApprovesIt() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            var requester = try await WebBrowser.member(app, of: tenant, role: .requester)
            _ = try await requester.get("/requests")
            let missing = try await requester.post("/requests", ["title": "", "description": "Water on the floor"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("id=\"title-error\""))
            #expect(missing.body.string.contains("Water on the floor"))
            #expect(try await requester.post("/requests", ["title": "Leak by press 4", "siteId": site.uuidString]).status == .seeOther)
            let mine = try await requester.get("/requests").body.string
            #expect(mine.contains("Leak by press 4") && mine.contains("Cancel my request") && !mine.contains(">Approve<"))
            #expect(try await requester.get("/").body.string.contains("My requests"))

            var manager = try await WebBrowser.member(app, of: tenant, role: .manager)
            let queue = try await manager.get("/requests").body.string
            #expect(queue.contains("Leak by press 4"))
            #expect(try await manager.get("/").body.string.contains("Leak by press 4"))
            let id = try await app.send(.GET, "/api/v1/requests?status=pending", token: tenant.token).json()["items"][0]["id"].uuid()
            let declineWithoutReason = try await manager.post("/requests/\(id)/decline", [:])
            #expect(declineWithoutReason.status == .unprocessableEntity)
            #expect(try await manager.post("/requests/\(id)/approve", ["priority": "high"]).status == .seeOther)
            let approved = try await app.send(.GET, "/api/v1/requests/\(id)", token: tenant.token).json()
            #expect(approved["status"].stringValue == "approved")
            let order = try await app.send(.GET, "/api/v1/work-orders/\(try approved["workOrderId"].uuid())", token: tenant.token).json()
            #expect(order["priority"].stringValue == "high")
            // A requester cannot approve.
            #expect(try await requester.post("/requests/\(id)/approve", [:]).status == .forbidden)
        }
    }
}

@Suite("Work-order board")
struct WebBoardTests {
    @Test func cardsMoveOnlyAsTheStateMachineAllows() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let order = try await app.makeWorkOrder(tenant, json: ["title": "Fix the guard"])
            var browser = try await WebBrowser.member(app, of: tenant, role: .manager)
            let board = try await browser.get("/work-orders/board").body.string
            #expect(board.contains("data-status=\"open\"") && board.contains("data-status=\"on_hold\""))
            // An open order may start, complete; not hold (hold is from in progress).
            #expect(board.contains("data-moves=\"[&quot;in_progress&quot;,&quot;completed&quot;]\""))
            let refused = try await browser.post("/work-orders/\(order)/move", ["to": "on_hold", "from": "board"])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("it can move to: In progress, Completed"))
            let moved = try await browser.post("/work-orders/\(order)/move", ["to": "in_progress", "from": "board"])
            #expect(moved.headers.first(name: .location) == "/work-orders/board")
            #expect(
                try await app.send(.GET, "/api/v1/work-orders/\(order)", token: tenant.token).json()["status"].stringValue == "in_progress")
            // Completing needs a resolution note: the work order's page says so.
            let noNote = try await browser.post("/work-orders/\(order)/move", ["to": "completed", "from": "board"])
            #expect(noNote.status == .unprocessableEntity)
            #expect(noNote.body.string.contains("id=\"form-problem\""))
            // A viewer sees the board but cannot move cards.
            var viewer = try await WebBrowser.member(app, of: tenant, role: .viewer)
            let readOnly = try await viewer.get("/work-orders/board").body.string
            #expect(readOnly.contains("Fix the guard") && !readOnly.contains("class=\"move-form\""))
            #expect(try await viewer.post("/work-orders/\(order)/move", ["to": "on_hold", "reason": "x"]).status == .forbidden)
        }
    }
}

@Suite("Web asset pages")
struct WebAssetTreeTests {
    @Test func theTreeNestsSitesLocationsAndAssetsAndTheAssetPageShowsItsWork() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant, name: "North plant")
            let hall = try await app.send(
                .POST, "/api/v1/locations", token: tenant.token, json: ["siteId": site.uuidString, "name": "Hall B"]
            )
            .json()["id"].uuid()
            let line = try await app.makeAsset(tenant, site: site, tag: "LINE-2", name: "Line 2", extra: ["locationId": hall.uuidString])
            let drive = try await app.makeAsset(
                tenant, site: site, tag: "VFD-201", name: "Conveyor drive",
                extra: ["parentId": line.uuidString, "manufacturer": "Allen-Bradley", "model": "PowerFlex 525"])
            let meter = try await app.makeMeter(tenant, asset: drive)
            for value in [10, 25, 40] {
                let reading = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": value])
                #expect(reading.status == .created, "\(reading.body.string)")
            }
            _ = try await app.makeWorkOrder(tenant, json: ["title": "Drive trips F004", "assetId": drive.uuidString])

            var browser = try await WebBrowser.member(app, of: tenant, role: .technician)
            let tree = try await browser.get("/assets").body.string
            let positions = ["North plant", "Hall B", "LINE-2 Line 2", "VFD-201 Conveyor drive"].map { tree.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            #expect(zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! })
            #expect(tree.contains("tree-asset depth-3"))
            let search = try await browser.get("/assets?q=VFD").body.string
            #expect(search.contains("VFD-201 Conveyor drive") && !search.contains("LINE-2 Line 2"))

            let page = try await browser.get("/assets/\(drive)").body.string
            #expect(page.contains("PowerFlex 525"))
            #expect(page.contains("Drive trips F004"))
            #expect(page.contains("<polyline"))
            #expect(page.contains("src=\"/assets/\(drive)/qr.svg\""))
            #expect(page.contains("href=\"/assets/\(line)\""))
            let qr = try await browser.get("/assets/\(drive)/qr.svg")
            #expect(qr.status == .ok)
            #expect(qr.body.string.contains("<svg"))
            #expect(try await browser.get("/assets/labels").body.string.contains("VFD-201"))
            // Another organization's asset is not there.
            let other = try await app.makeTenant()
            let foreign = try await app.makeAsset(other)
            #expect(try await browser.get("/assets/\(foreign)").status == .notFound)
            #expect(try await browser.get("/assets/\(foreign)/qr.svg").status == .notFound)
        }
    }
}

@Suite("Web admin pages")
struct WebAdminPageTests {
    @Test func anAdminInvitesAMemberWhoAcceptsThenLimitsTheirSitesAndResetsTheirPassword() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let north = try await app.makeSite(tenant, name: "North")
            var admin = try await WebBrowser.member(app, of: tenant, role: .admin)
            _ = try await admin.get("/admin/users")
            let bad = try await admin.post("/admin/users", ["email": "not-an-address", "role": "technician", "allSites": "on"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"email-error\""))
            let owner = try await admin.post("/admin/users", ["email": "boss@example.com", "role": "owner", "allSites": "on"])
            #expect(owner.status == .unprocessableEntity)
            #expect(owner.body.string.contains("id=\"role-error\"") && owner.body.string.contains("above your own"))
            let added = try await admin.post(
                "/admin/users", ["email": "new.tech@example.com", "name": "New Tech", "role": "technician", "allSites": "on"])
            #expect(added.status == .created)
            func shown(_ html: String, _ id: String) throws -> String {
                let start = try #require(html.range(of: "id=\"\(id)\">")).upperBound
                return String(html[start...].prefix { $0 != "<" })
            }
            let link = try shown(added.body.string, "invitation-link")
            let path = try #require(URL(string: link)).path
            // Not a member until they accept; the invitation is listed, the link is not on the page again.
            let listed = try await admin.get("/admin/users").body.string
            #expect(listed.contains("new.tech@example.com") && listed.contains("id=\"invitations\"") && !listed.contains(link))
            var invitee = WebBrowser(app: app)
            let form = try await invitee.get(path)
            #expect(form.status == .ok && form.body.string.contains("Join"))
            let weak = try await invitee.post(path, ["name": "New Tech", "password": "short"])
            #expect(weak.status == .unprocessableEntity && weak.body.string.contains("id=\"password-error\""))
            let accepted = try await invitee.post(path, ["name": "New Tech", "password": "new tech password"])
            #expect(accepted.status == .seeOther)
            #expect(try await invitee.get("/").body.string.contains("Sign out"))
            _ = try await app.signIn(email: "new.tech@example.com", password: "new tech password")

            let members = try await app.send(.GET, "/api/v1/users", token: tenant.token).json()["items"].array
            let member = try #require(members.first { $0["email"].stringValue == "new.tech@example.com" })
            let id = try member["id"].string()
            let version = try #require(member["version"].value as? Int)
            let limited = try await admin.post(
                "/admin/users/\(id)", ["role": "manager", "siteIds[]": north.uuidString, "version": String(version)])
            #expect(limited.status == .seeOther)
            let after = try await app.send(.GET, "/api/v1/users/\(id)", token: tenant.token).json()
            #expect(after["role"].stringValue == "manager")
            #expect(after["siteIds"].array.map(\.stringValue) == [north.uuidString])
            let stale = try await admin.post("/admin/users/\(id)", ["role": "viewer", "allSites": "on", "version": String(version)])
            #expect(stale.status == .preconditionFailed)
            // A reset gives a one-time password, shown once, and ends the member's sign-ins.
            let reset = try await admin.post("/admin/users/\(id)/reset-password", [:])
            #expect(reset.status == .ok)
            let password = try shown(reset.body.string, "one-time-password")
            #expect(password.count >= 12)
            _ = try await app.signIn(email: "new.tech@example.com", password: password)
            #expect(try await invitee.get("/account").status != .ok)
            let removed = try await admin.post("/admin/users/\(id)/remove", ["version": String(version + 1)])
            #expect(removed.status == .seeOther)
            #expect(try await app.send(.GET, "/api/v1/users/\(id)", token: tenant.token).status == .notFound)
        }
    }

    @Test func anAPIKeyIsShownOnceAndRevoked() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            _ = try await owner.get("/admin/api-keys")
            let none = try await owner.post("/admin/api-keys", ["name": "ERP"])
            #expect(none.status == .unprocessableEntity)
            #expect(none.body.string.contains("id=\"scopes-error\""))
            let created = try await owner.post("/admin/api-keys", ["name": "ERP", "scopes[]": "work-orders:read"])
            #expect(created.status == .created)
            let html = created.body.string
            let start = try #require(html.range(of: "id=\"api-key\">")).upperBound
            let key = String(html[start...].prefix { $0 != "<" })
            #expect(key.hasPrefix("mw_"))
            #expect(try await app.send(.GET, "/api/v1/work-orders", token: key).status == .ok)
            #expect(!(try await owner.get("/admin/api-keys").body.string.contains(key)))
            let id = try await app.send(.GET, "/api/v1/api-keys", token: tenant.token).json()["items"][0]["id"].string()
            #expect(try await owner.post("/admin/api-keys/\(id)/revoke", [:]).status == .seeOther)
            #expect(try await app.send(.GET, "/api/v1/work-orders", token: key).status == .unauthorized)
        }
    }

    @Test func theAuditTrailListsChangesAndVerifies() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.makeWorkOrder(tenant)
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            let page = try await owner.get("/admin/audit").body.string
            #expect(page.contains("work_order.created"))
            let verified = try await owner.get("/admin/audit?verify=1").body.string
            #expect(verified.contains("The chain is intact"))
        }
    }
}

@Suite("Web list-and-create pages")
struct WebCatalogPageTests {
    @Test func sitesVendorsPartsPMAndPurchaseOrdersAreCreatedWithTheAPIsChecks() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var manager = try await WebBrowser.member(app, of: tenant, role: .owner)
            _ = try await manager.get("/sites")
            let badZone = try await manager.post("/sites", ["name": "South", "timeZone": "Mars/Olympus"])
            #expect(badZone.status == .unprocessableEntity)
            #expect(badZone.body.string.contains("id=\"timeZone-error\""))
            #expect(badZone.body.string.contains("value=\"South\""))
            #expect(try await manager.post("/sites", ["name": "South", "timeZone": "Europe/Paris"]).status == .seeOther)
            #expect(try await manager.get("/sites").body.string.contains("Europe/Paris"))

            #expect(try await manager.post("/vendors", ["name": "Belt & Co"]).status == .seeOther)
            let vendor = try await app.send(.GET, "/api/v1/vendors", token: tenant.token).json()["items"][0]["id"].string()
            let badCost = try await manager.post("/parts", ["number": "BLT-1", "name": "Belt", "unit": "each", "unitCost": "cheap"])
            #expect(badCost.status == .unprocessableEntity)
            #expect(badCost.body.string.contains("value=\"cheap\""))
            #expect(
                try await manager.post(
                    "/parts", ["number": "BLT-1", "name": "Belt", "unit": "each", "unitCost": "9.5", "preferredVendorId": vendor]
                )
                .status == .seeOther)
            let parts = try await manager.get("/parts").body.string
            #expect(parts.contains("BLT-1 Belt") && parts.contains("Belt &amp; Co"))
            let part = try await app.send(.GET, "/api/v1/parts", token: tenant.token).json()["items"][0]["id"].string()
            #expect(try await manager.get("/parts/\(part)").body.string.contains("Not stocked anywhere yet"))

            let asset = try await app.makeAsset(tenant, tag: "PMP-1", name: "Pump")
            let noDate = try await manager.post(
                "/pm-schedules", ["assetId": asset.uuidString, "title": "Grease pump", "every": "1", "unit": "month"])
            #expect(noDate.status == .unprocessableEntity)
            #expect(noDate.body.string.contains("id=\"nextDueAt-error\""))
            let made = try await manager.post(
                "/pm-schedules",
                ["assetId": asset.uuidString, "title": "Grease pump", "every": "1", "unit": "month", "nextDueAt": "2030-01-15"])
            #expect(made.status == .seeOther)
            let pm = try await manager.get("/pm-schedules").body.string
            #expect(pm.contains("Grease pump") && pm.contains("1 month") && pm.contains("2030-01-15"))

            let south = try await app.send(.GET, "/api/v1/sites", token: tenant.token).json()["items"].array.first {
                $0["name"].stringValue == "South"
            }
            let site = try #require(south)["id"].string()
            // The delivery site is required: a form without it is refused with the field named.
            let noSite = try await manager.post("/purchase-orders", ["vendorId": vendor, "notes": "belts"])
            #expect(noSite.status == .unprocessableEntity)
            #expect(noSite.body.string.contains("id=\"siteId-error\""))
            #expect(try await manager.post("/purchase-orders", ["vendorId": vendor, "siteId": site, "notes": "belts"]).status == .seeOther)
            let order = try await app.send(.GET, "/api/v1/purchase-orders", token: tenant.token).json()["items"][0]
            let orderID = try order["id"].string()
            let list = try await manager.get("/purchase-orders").body.string
            #expect(list.contains("id=\"submit-\(orderID)\"") && !list.contains("id=\"approve-\(orderID)\""))
            // An empty order cannot be submitted: the API's reason is shown.
            let submitted = try await manager.post("/purchase-orders/\(orderID)/submit", ["version": "1"])
            #expect(submitted.status.code >= 400)
            #expect(submitted.body.string.contains("id=\"form-problem\""))
            // A technician reads parts but cannot add one.
            var technician = try await WebBrowser.member(app, of: tenant, role: .technician)
            #expect(!(try await technician.get("/parts").body.string.contains("id=\"create-form\"")))
            #expect(
                try await technician.post("/parts", ["number": "X", "name": "X", "unit": "each", "unitCost": "1"]).status == .forbidden)
        }
    }
}

@Suite("Editing from the list pages")
struct WebCatalogEditTests {
    @Test func aSiteAndAPMScheduleAreEditedWithTheAPIsChecksAndVersion() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant, name: "North")
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            let form = try await owner.get("/sites/\(site)/edit").body.string
            #expect(
                form.contains("value=\"North\"") && form.contains("value=\"Europe/Berlin\"")
                    && form.contains("name=\"version\" value=\"1\""))
            let bad = try await owner.post("/sites/\(site)", ["name": "North 2", "timeZone": "Nowhere/Else", "version": "1"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"timeZone-error\"") && bad.body.string.contains("value=\"North 2\""))
            #expect(
                try await owner.post("/sites/\(site)", ["name": "North 2", "timeZone": "Europe/Paris", "version": "1"]).status == .seeOther)
            let saved = try await app.send(.GET, "/api/v1/sites/\(site)", token: tenant.token).json()
            #expect(saved["name"].stringValue == "North 2" && saved["timeZone"].stringValue == "Europe/Paris")
            // The same old form again: the record moved on.
            #expect(
                try await owner.post("/sites/\(site)", ["name": "Stale", "timeZone": "Europe/Paris", "version": "1"]).status
                    == .preconditionFailed)

            let asset = try await app.makeAsset(tenant, site: site)
            let schedule = try await app.send(
                .POST, "/api/v1/pm-schedules", token: tenant.token,
                json: [
                    "assetId": asset.uuidString, "title": "Grease", "calendar": ["every": 1, "unit": "month"],
                    "nextDueAt": "2030-01-15T00:00:00Z",
                ]
            ).json()["id"].string()
            let pmForm = try await owner.get("/pm-schedules/\(schedule)/edit").body.string
            #expect(pmForm.contains("value=\"Grease\"") && pmForm.contains("value=\"2030-01-15\"") && !pmForm.contains("name=\"assetId\""))
            #expect(pmForm.contains("<option value=\"month\" selected>"))
            let changed = try await owner.post(
                "/pm-schedules/\(schedule)", ["title": "Grease bearings", "every": "2", "unit": "week", "nextDueAt": "2030-02-01"])
            #expect(changed.status == .seeOther)
            let after = try await app.send(.GET, "/api/v1/pm-schedules/\(schedule)", token: tenant.token).json()
            #expect(after["title"].stringValue == "Grease bearings")
            #expect(after["calendar"]["unit"].stringValue == "week")
            // Someone who may not change sites gets no edit link and a 403.
            var technician = try await WebBrowser.member(app, of: tenant, role: .technician)
            #expect(!(try await technician.get("/sites").body.string.contains("/edit\"")))
            #expect(try await technician.get("/sites/\(site)/edit").status == .forbidden)
        }
    }
}

@Suite("Purchase-order page")
struct WebPurchaseOrderPageTests {
    @Test func linesAreAddedTheOrderApprovedAndGoodsReceivedIntoStock() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 0)
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "Belt & Co"]).json()["id"]
                .string()
            let order = try await app.send(
                .POST, "/api/v1/purchase-orders", token: tenant.token, json: ["vendorId": vendor, "siteId": stock.site.uuidString]
            ).json()["id"].string()
            var owner = try await WebBrowser.member(app, of: tenant, role: .owner)
            let path = "/purchase-orders/\(order)"
            #expect(try await owner.get(path).body.string.contains("No lines yet"))
            let bad = try await owner.post(
                path + "/lines", ["partId": stock.part.uuidString, "locationId": stock.location.uuidString, "quantity": "0"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"quantity-error\"") && bad.body.string.contains("value=\"0\""))
            let added = try await owner.post(
                path + "/lines", ["partId": stock.part.uuidString, "locationId": stock.location.uuidString, "quantity": "4"])
            #expect(added.status == .seeOther)
            #expect(try await owner.get(path).body.string.contains("id=\"order-total\">50<"))
            func version() async throws -> String {
                let value = try await app.send(.GET, "/api/v1\(path)", token: tenant.token).json()["version"].value as? Int
                return String(try #require(value))
            }
            #expect(try await owner.post(path + "/submit", ["version": try await version()]).status == .seeOther)
            #expect(try await owner.post(path + "/approve", ["version": try await version()]).status == .seeOther)
            let page = try await owner.get(path).body.string
            let line = try await app.send(.GET, "/api/v1\(path)", token: tenant.token).json()["lines"][0]["id"].string()
            #expect(page.contains("name=\"receive-\(line)\""))
            #expect(try await owner.post(path + "/receive", ["receive-\(line)": "4"]).status == .seeOther)
            let level = try await app.send(.GET, "/api/v1/stock-levels/\(stock.level)", token: tenant.token).json()
            #expect(level["quantity"].value as? Double == 4)
            #expect(try await app.send(.GET, "/api/v1\(path)", token: tenant.token).json()["status"].stringValue == "received")
        }
    }
}

@Suite("PM compliance page")
struct WebPMCompliancePageTests {
    @Test func thePeriodIsReadFromTheFormAndBadDatesAreNamed() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var manager = try await WebBrowser.member(app, of: tenant, role: .manager)
            let page = try await manager.get("/pm-schedules/compliance?from=2026-01-01&to=2026-04-01").body.string
            #expect(page.contains("value=\"2026-01-01\"") && page.contains("value=\"2026-04-01\""))
            #expect(page.contains("id=\"compliance-due\">0<") && page.contains("<strong>—</strong>"))
            let reversed = try await manager.get("/pm-schedules/compliance?from=2026-04-01&to=2026-01-01")
            #expect(reversed.status == .badRequest)
            #expect(reversed.body.string.contains("from: must be before to"))
            #expect(try await manager.get("/pm-schedules").body.string.contains("href=\"/pm-schedules/compliance\""))
        }
    }
}

@Suite("Live events and detail pages")
struct WebLiveAndDetailTests {
    @Test func theEventStreamSendsOnlyWhatTheMemberMaySee() throws {
        let organization = UUID()
        let north = UUID()
        let south = UUID()
        func principal(_ role: Role, sites: [UUID]? = nil, organization id: UUID = organization) -> Principal {
            Principal(
                organizationID: id, userID: UUID(), email: "x@example.com", role: role, permissions: role.permissions, siteIDs: sites,
                credential: .session)
        }
        let changed = DomainEvent(
            .workOrderUpdated, organizationID: organization, entityID: UUID(), data: ["number": "WO-000001", "siteId": north.uuidString])
        let request = DomainEvent(.requestCreated, organizationID: organization, entityID: UUID(), data: ["siteId": south.uuidString])
        let low = DomainEvent(.stockLow, organizationID: organization, entityID: UUID())
        #expect(WebEventsController.visible(changed, to: principal(.technician)))
        #expect(!WebEventsController.visible(changed, to: principal(.technician, organization: UUID())))
        #expect(WebEventsController.visible(changed, to: principal(.technician, sites: [north])))
        #expect(!WebEventsController.visible(changed, to: principal(.technician, sites: [south])))
        #expect(WebEventsController.visible(request, to: principal(.manager)))
        #expect(!WebEventsController.visible(request, to: principal(.technician)))
        #expect(WebEventsController.visible(low, to: principal(.manager)))
        #expect(!WebEventsController.visible(low, to: principal(.manager, sites: [north])))
        #expect(!WebEventsController.visible(low, to: principal(.requester)))
        let message = WebEventsController.message(changed)
        #expect(message.hasPrefix("event: work_order.updated\ndata: {"))
        #expect(message.contains("\"number\":\"WO-000001\"") && !message.contains(north.uuidString) && message.hasSuffix("\n\n"))
    }

    @Test func everyDetailPageRendersForTheRolesThatMayReadItAndIsRefusedForTheOthers() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let stock = try await app.makeStock(tenant, quantity: 2)
            let asset = try await app.makeAsset(tenant, tag: "DTL-1", name: "Detail pump")
            let order = try await app.makeWorkOrder(tenant, json: ["title": "Detail order", "assetId": asset.uuidString])
            let diagnosis = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
                .json()["id"]
                .string()
            let vendor = try await app.send(.POST, "/api/v1/vendors", token: tenant.token, json: ["name": "V"]).json()["id"].string()
            let purchase = try await app.send(
                .POST, "/api/v1/purchase-orders", token: tenant.token, json: ["vendorId": vendor, "siteId": stock.site.uuidString]
            ).json()["id"].string()
            let pages: [(path: String, allowed: Set<Role>, shows: String)] = [
                ("/work-orders/\(order)", Role.with(.workOrdersRead), "Detail order"),
                ("/assets/\(asset)", Role.with(.assetsRead), "Detail pump"),
                ("/diagnoses/\(diagnosis)", Role.with(.diagnosesRead), "PowerFlex 525 F004"),
                ("/parts/\(stock.part)", Role.with(.partsRead), "V-belt"),
                ("/purchase-orders/\(purchase)", Role.with(.purchaseOrdersRead), "<h1>"),
            ]
            for role in Role.allCases {
                var browser = try await WebBrowser.member(app, of: tenant, role: role)
                for page in pages {
                    let response = try await browser.get(page.path)
                    if page.allowed.contains(role) {
                        #expect(response.status == .ok, "\(role) \(page.path): \(response.status)")
                        #expect(response.body.string.contains(page.shows), "\(role) \(page.path)")
                    } else {
                        #expect([.forbidden, .notFound].contains(response.status), "\(role) \(page.path): \(response.status)")
                    }
                }
            }
        }
    }
}

/// The home page's context, built by ``WebHome/build(principal:page:on:now:)`` and checked as a struct: what a
/// technician and a manager see is read through the typed queries the API's lists use.
@Suite("Home page context")
struct HomePageContextTests {
    @Test func aTechnicianSeesTheirOwnOpenWorkAndAManagerTheBacklogByPriority() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let technician = try await app.addMember(to: tenant, role: .technician)
            let asset = try await app.makeAsset(tenant)
            var numbers: [String: String] = [:]
            for (title, priority, assigned) in [("Theirs", "high", true), ("Another's", "high", false), ("Low", "low", false)] {
                var json: [String: Any] = [
                    "title": title, "assetId": asset.uuidString, "priority": priority, "dueAt": "2020-01-01T00:00:00Z",
                ]
                if assigned { json["assigneeIds"] = [technician.id.uuidString] }
                let id = try await app.makeWorkOrder(tenant, json: json)
                numbers[title] = try await app.send(.GET, "/api/v1/work-orders/\(id)", token: tenant.token).json()["number"].string()
            }
            let layout = PageContext(title: "Home", csrfToken: "", signedIn: true)
            let worker = try await Authenticator.memberPrincipal(
                userID: technician.id, organizationID: tenant.organizationID, credential: .accessToken, on: app.db)
            let theirs = try await WebHome.build(principal: worker, page: layout, on: app.db)
            #expect(theirs.showsWork && !theirs.showsManagement)
            #expect(theirs.myWork.map(\.number) == [numbers["Theirs"]])
            #expect(theirs.myOverdue == 1)

            let owner = try await Authenticator.memberPrincipal(
                userID: tenant.ownerID, organizationID: tenant.organizationID, credential: .accessToken, on: app.db)
            let managers = try await WebHome.build(principal: owner, page: layout, on: app.db)
            #expect(managers.showsManagement && !managers.showsWork)
            let backlog = Dictionary(uniqueKeysWithValues: managers.backlog.map { ($0.key, $0.count) })
            #expect(backlog["high"] == 2 && backlog["low"] == 1)
            #expect(managers.trendSummary.hasPrefix("3 created"))
        }
    }
}
