import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Knowledge atoms of an organization's own")
struct KnowledgeAtomTests {
    static var line2: [String: Any] {
        [
            "key": "line2-f004", "family": "pf525", "type": "fault", "title": "F004 on line 2: DC-bus fuse",
            "summary": "On line 2 this F004 is always the loose DC-bus fuse.", "faultCodes": ["F004"],
            "causes": ["Loose DC-bus fuse holder"],
            "safety": ["level": "danger", "notes": ["Lock out and measure the bus before touching the fuse."]],
        ]
    }

    @Test func anOwnAtomRanksBesideTheBuiltInOnesForItsOrganizationOnly() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            let created = try await app.send(.POST, "/api/v1/knowledge-atoms", token: tenant.token, json: Self.line2)
            #expect(created.status == .created)
            let atom = try created.json()
            #expect(atom["atomId"].stringValue == "org.line2-f004")
            #expect(atom["family"].stringValue == "rockwell.powerflex-520")
            #expect(atom["manufacturer"].stringValue == "Allen-Bradley")
            #expect(atom["source"]["document"].stringValue == KnowledgeAtomInput.defaultSource)

            let families = try await app.send(.GET, "/api/v1/knowledge/families", token: tenant.token).json()["items"].array
            let powerflex = families.first { $0["id"].stringValue == "rockwell.powerflex-520" }
            #expect((powerflex?["atomCount"].intValue ?? 0) > 40)
            let builtIn = try await app.send(.GET, "/api/v1/knowledge/atoms/rockwell.powerflex-520.f004", token: tenant.token).json()
            #expect(builtIn["builtIn"].boolValue == true)
            #expect(builtIn["atom"]["faultCodes"].array.map(\.stringValue) == ["F004"])

            let mine = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"]).json()
            let ids = mine["candidates"].array.compactMap { $0["atomId"].stringValue }
            #expect(ids.prefix(2).contains("org.line2-f004"))
            #expect(ids.contains("rockwell.powerflex-520.f004"))
            #expect(mine["confident"].boolValue == true)

            let theirs = try await app.send(.POST, "/api/v1/diagnoses", token: other.token, json: ["query": "PowerFlex 525 F004"]).json()
            #expect(!theirs["candidates"].array.contains { $0["atomId"].stringValue == "org.line2-f004" })
            #expect(try await app.send(.GET, "/api/v1/knowledge/atoms/org.line2-f004", token: other.token).status == .notFound)

            // Deleting it takes it out of the answers at once.
            let id = try atom["id"].uuid()
            #expect(try await app.send(.DELETE, "/api/v1/knowledge-atoms/\(id)", token: tenant.token).status == .noContent)
            let after = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"]).json()
            #expect(!after["candidates"].array.contains { $0["atomId"].stringValue == "org.line2-f004" })
        }
    }

    @Test func badAtomsNameEveryField() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/knowledge-atoms", token: tenant.token,
                json: [
                    "key": "Bad Key!", "family": "no-such-drive", "type": "gossip", "faultCodes": ["--"],
                    "safety": ["level": "danger", "notes": []], "source": ["url": "not a url"], "colour": "red",
                ])
            #expect(response.status == .unprocessableEntity)
            let fields = Set(try response.json()["errors"].array.compactMap { $0["field"].stringValue })
            #expect(
                fields.isSuperset(of: ["key", "family", "type", "title", "summary", "faultCodes", "safety.notes", "source.url", "colour"]))
            #expect(try await app.send(.GET, "/api/v1/knowledge-atoms", token: tenant.token).json()["items"].array.isEmpty)
        }
    }

    @Test func anUpdateChangesFieldsButNeverTheKeyAndHonoursIfMatch() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let id = try await app.send(.POST, "/api/v1/knowledge-atoms", token: tenant.token, json: Self.line2).json()["id"].uuid()
            let renamed = try await app.send(
                .PATCH, "/api/v1/knowledge-atoms/\(id)", token: tenant.token, json: ["title": "F004 on line 2 (fuse holder)"])
            #expect(renamed.status == .ok)
            #expect(try renamed.json()["title"].stringValue == "F004 on line 2 (fuse holder)")
            #expect(try renamed.json()["causes"].array.count == 1)
            let rekey = try await app.send(.PATCH, "/api/v1/knowledge-atoms/\(id)", token: tenant.token, json: ["key": "other"])
            #expect(rekey.status == .unprocessableEntity)
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .ifMatch, value: "\"1\"")
            let stale = try await app.send(
                .PATCH, "/api/v1/knowledge-atoms/\(id)", token: tenant.token, json: ["title": "x"], headers: headers)
            #expect(stale.status == .preconditionFailed)
        }
    }

    @Test func anImportIsAllOrNothingAndACSVExportImportsBackElsewhere() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var broken = Self.line2
            broken["key"] = "second"
            broken["title"] = nil
            let refused = try await app.send(
                .POST, "/api/v1/knowledge-atoms/import", token: tenant.token, json: ["atoms": [Self.line2, broken]])
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.json()["errors"].array.compactMap { $0["field"].stringValue } == ["atoms[1].title"])
            #expect(try await app.send(.GET, "/api/v1/knowledge-atoms", token: tenant.token).json()["items"].array.isEmpty)

            var second = Self.line2
            second["key"] = "second"
            second["faultCodes"] = ["F005"]
            second["keywords"] = ["fuse; holder"]
            let imported = try await app.send(
                .POST, "/api/v1/knowledge-atoms/import", token: tenant.token, json: ["atoms": [Self.line2, second]]
            ).json()
            #expect(imported["created"].intValue == 2)
            let again = try await app.send(.POST, "/api/v1/knowledge-atoms/import", token: tenant.token, json: ["atoms": [Self.line2]])
                .json()
            #expect(again["created"].intValue == 0)
            #expect(again["updated"].intValue == 1)

            let csv = try await app.send(.GET, "/api/v1/knowledge-atoms?format=csv", token: tenant.token).body.string
            let other = try await app.makeTenant()
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            let copied = try await app.send(.POST, "/api/v1/knowledge-atoms/import", token: other.token, headers: headers, body: csv)
            #expect(copied.status == .ok, "\(copied.body.string)")
            let original = try await app.send(.GET, "/api/v1/knowledge-atoms/export", token: tenant.token).json()["atoms"].array
            let copy = try await app.send(.GET, "/api/v1/knowledge-atoms/export", token: other.token).json()["atoms"].array
            for field in ["key", "atomId", "title", "summary", "family", "manufacturer"] {
                #expect(copy.map { $0[field].stringValue } == original.map { $0[field].stringValue }, "\(field)")
            }
            #expect(copy.map { $0["faultCodes"].array.map(\.stringValue) } == original.map { $0["faultCodes"].array.map(\.stringValue) })
            #expect(copy.map { $0["safety"]["level"].stringValue } == original.map { $0["safety"]["level"].stringValue })
        }
    }

    @Test func theCommandLineLintsDiagnosesEvaluatesAndMovesAtoms() async throws {
        try await withTestApp { app in
            let lint = try await app.output(ofCommand: ["kb", "lint"])
            #expect(lint.contains(" 0 problems"))
            let diagnosed = try await app.output(ofCommand: ["diagnose", "PowerFlex 525 F004", "--json"])
            let answer = try JSONSerialization.jsonObject(with: Data(diagnosed.utf8)) as? [String: Any]
            #expect(answer?["confident"] as? Bool == true)
            #expect((answer?["candidates"] as? [[String: Any]])?.first?["atomId"] as? String == "rockwell.powerflex-520.f004")
            let readable = try await app.output(ofCommand: ["diagnose", "PowerFlex 525 F099"])
            #expect(readable.contains("NOT SURE: no code F099 in PowerFlex 520-series"))

            let folder = URL(fileURLWithPath: app.config.dataDirectory)
            let cases = folder.appendingPathComponent("cases.jsonl")
            try """
            {"query": "pf525 F4 on startup", "manufacturer": "Allen-Bradley", "code": "F004"}
            {"query": "PowerFlex 525 F099", "manufacturer": null, "code": null}
            """.write(to: cases, atomically: true, encoding: .utf8)
            let output = folder.appendingPathComponent("results.jsonl")
            try await app.run(command: ["kb", "eval", cases.path, "--output", output.path])
            let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            #expect(first?["correct"] as? Bool == true)
            #expect(first?["confident"] as? Bool == true)
            #expect((first?["candidates"] as? [[String: Any]])?.first?["atomId"] as? String == "rockwell.powerflex-520.f004")

            let tenant = try await app.makeTenant("Plant North")
            let file = folder.appendingPathComponent("atoms.json")
            try JSONSerialization.data(withJSONObject: ["atoms": [Self.line2]]).write(to: file)
            try await app.run(command: ["kb", "import", "--org", "Plant North", file.path])
            let listed = try await app.send(.GET, "/api/v1/knowledge-atoms", token: tenant.token).json()["items"].array
            #expect(listed.map { $0["atomId"].stringValue } == ["org.line2-f004"])
            let exported = try await app.output(ofCommand: ["kb", "export", "--org", "Plant North"])
            let atoms = (try JSONSerialization.jsonObject(with: Data(exported.utf8)) as? [String: Any])?["atoms"] as? [[String: Any]]
            #expect(atoms?.map { $0["atomId"] as? String } == ["org.line2-f004"])
            let csv = try await app.output(ofCommand: ["kb", "export", "--org", "Plant North", "--format", "csv"])
            #expect(csv.hasPrefix("id,key,atomId,"))
            #expect(csv.contains("line2-f004"))
            let badFile = folder.appendingPathComponent("bad.json")
            try JSONSerialization.data(withJSONObject: ["atoms": [["key": "x"]]]).write(to: badFile)
            await #expect(throws: CommandFailure.self) {
                try await app.run(command: ["kb", "import", "--org", "Plant North", badFile.path])
            }
        }
    }
}

@Suite("Links from stored text")
struct StoredLinkTests {
    /// The diagnosis page for line 2's F004, as its owner sees it; the line-2 atom must answer first.
    static func diagnosisPageOfLine2(_ app: Application, _ tenant: Tenant) async throws -> TestingHTTPResponse {
        let diagnosis = try await app.send(
            .POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004 line 2 DC-bus fuse"]
        ).json()
        #expect(diagnosis["candidates"][0]["atomId"].stringValue == "org.line2-f004")
        var browser = try await WebBrowser.signIn(app, email: tenant.ownerEmail, password: tenant.ownerPassword)
        return try await browser.get("/diagnoses/\(try diagnosis["id"].string())")
    }

    @Test(
        "a source address that is not http or https is refused",
        arguments: [
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox", "file:///etc/passwd", "ftp://example.com/manual.pdf", "http:/no-host", "//example.com/manual.pdf",
            "https://exa mple.com/x",
        ])
    func aSourceAddressThatIsNotAWebAddressIsRefused(url: String) async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var atom = KnowledgeAtomTests.line2
            atom["source"] = ["document": "Line 2 notes", "url": url]
            let created = try await app.send(.POST, "/api/v1/knowledge-atoms", token: tenant.token, json: atom)
            #expect(created.status == .unprocessableEntity)
            #expect(try created.problemFields() == ["source.url"])
            let imported = try await app.send(.POST, "/api/v1/knowledge-atoms/import", token: tenant.token, json: ["atoms": [atom]])
            #expect(imported.status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/knowledge-atoms", token: tenant.token).json()["items"].array.isEmpty)
        }
    }

    @Test func aWebAddressIsKeptAndLinked() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var atom = KnowledgeAtomTests.line2
            atom["source"] = ["document": "Line 2 notes", "url": "https://wiki.example.com/line-2#f004"]
            #expect(try await app.send(.POST, "/api/v1/knowledge-atoms", token: tenant.token, json: atom).status == .created)
            let page = try await Self.diagnosisPageOfLine2(app, tenant)
            #expect(page.body.string.contains("href=\"https://wiki.example.com/line-2#f004\""))
        }
    }

    @Test func anAddressStoredBeforeTheRuleIsNeverRenderedAsALink() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            var atom = KnowledgeAtomTests.line2
            atom["source"] = ["document": "Line 2 notes", "url": "https://wiki.example.com/line-2"]
            let created = try await app.send(.POST, "/api/v1/knowledge-atoms", token: tenant.token, json: atom).json()
            // As an older version, or someone with the database, may have stored it.
            let row = try #require(try await KnowledgeAtom.find(try created["id"].uuid(), on: app.db))
            row.atom.source.url = "javascript:alert(document.cookie)"
            try await row.update(on: app.db)
            await app.knowledge.invalidate(tenant.organizationID)
            let page = try await Self.diagnosisPageOfLine2(app, tenant)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Line 2 notes"))
            #expect(!page.body.string.lowercased().contains("javascript:"))
        }
    }
}
