import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Diagnoses")
struct DiagnosisTests {
    @Test func aTypedCodeIsAnsweredConfidentlyWithItsSourceAndSafetyAndKept() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004"])
            #expect(response.status == .created)
            let body = try response.json()
            #expect(body["confident"].boolValue == true)
            #expect(body["detected"]["manufacturer"].stringValue == "Allen-Bradley")
            #expect(body["detected"]["family"].stringValue == "rockwell.powerflex-520")
            #expect(body["detected"]["codes"].array.map(\.stringValue) == ["F004"])
            let top = body["candidates"][0]
            #expect(top["atomId"].stringValue == "rockwell.powerflex-520.f004")
            #expect(top["faultCodes"].array.map(\.stringValue).contains("F004"))
            #expect(!(top["source"]["document"].stringValue ?? "").isEmpty)
            #expect(["warning", "danger"].contains(top["safety"]["level"].stringValue ?? ""))
            #expect(!top["safety"]["notes"].array.isEmpty)
            #expect((top["confidence"].value as? Double ?? 0) >= 0.5)
            let id = try body["id"].uuid()
            #expect(response.headers.first(name: .location) == "/api/v1/diagnoses/\(id)")

            let stored = try await app.send(.GET, "/api/v1/diagnoses/\(id)", token: tenant.token)
            #expect(stored.status == .ok)
            #expect(try stored.json()["candidates"][0]["atomId"].stringValue == "rockwell.powerflex-520.f004")
            let listed = try await app.send(.GET, "/api/v1/diagnoses", token: tenant.token).json()
            #expect(listed["items"].array.map { $0["id"].stringValue } == [id.uuidString])
            let refused = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "hello there"]).json()
            #expect(refused["confident"].boolValue == false)
            let confidentOnly = try await app.send(.GET, "/api/v1/diagnoses?confident=true", token: tenant.token).json()
            #expect(confidentOnly["items"].array.map { $0["id"].stringValue } == [id.uuidString])
            let unsure = try await app.send(.GET, "/api/v1/diagnoses?confident=false", token: tenant.token).json()
            #expect(unsure["items"].array.map { $0["id"].stringValue } == [refused["id"].stringValue])
            let badFilter = try await app.send(.GET, "/api/v1/diagnoses?confident=maybe", token: tenant.token)
            #expect(badFilter.status == .badRequest)
        }
    }

    @Test func aCodeThatIsNotInTheFamilyIsRefusedAndSaysWhat() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let body = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F099"]).json()
            #expect(body["confident"].boolValue == false)
            #expect(body["detected"]["codes"].array.map(\.stringValue) == ["F099"])
            #expect(body["unmatched"].array.contains { ($0.stringValue ?? "").contains("F099") })
        }
    }

    @Test func badInputNamesEveryFieldAndStoresNothing() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/diagnoses", token: tenant.token,
                json: ["query": " ", "assetId": "nope", "manufacturer": "Nobody Inc", "family": "zz-9000", "extra": 1])
            #expect(response.status == .unprocessableEntity)
            let fields = Set(try response.json()["errors"].array.compactMap { $0["field"].stringValue })
            #expect(fields == ["query", "assetId", "manufacturer", "family", "extra"])
            let missing = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: [:])
            #expect(missing.status == .unprocessableEntity)
            let listed = try await app.send(.GET, "/api/v1/diagnoses", token: tenant.token).json()
            #expect(listed["items"].array.isEmpty)
        }
    }

    @Test func anAssetNarrowsTheSearchAndBringsItsHistoryWithTheSameCode() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant, extra: ["manufacturer": "Rockwell", "model": "PowerFlex 525"])
            let past = try await app.makeWorkOrder(
                tenant, json: ["assetId": asset.uuidString, "title": "Drive tripped", "faultCodes": ["F4"]])
            _ = try await app.makeWorkOrder(tenant, json: ["assetId": asset.uuidString, "title": "Belt squeal"])

            // "fault 4" alone could be several drives' code: without the asset the answer is not confident.
            let alone = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "fault 4"]).json()
            #expect(alone["confident"].boolValue == false)

            let narrowed = try await app.send(
                .POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "fault 4", "assetId": asset.uuidString]
            ).json()
            #expect(narrowed["confident"].boolValue == true)
            #expect(narrowed["candidates"][0]["atomId"].stringValue == "rockwell.powerflex-520.f004")
            #expect(narrowed["history"].array.map { $0["workOrderId"].stringValue } == [past.uuidString])
            let forAsset = try await app.send(.GET, "/api/v1/diagnoses?assetId=\(asset)", token: tenant.token).json()
            #expect(forAsset["items"].array.map { $0["id"].stringValue } == [narrowed["id"].stringValue])
        }
    }

    @Test func feedbackIsCheckedCountedAndBoostsAnAtomWithinTheOrganization() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            // Two atoms of the organization's own with the same words tie; feedback breaks the tie.
            for key in ["hoist-reset-a", "hoist-reset-b"] {
                let created = try await app.send(
                    .POST, "/api/v1/knowledge-atoms", token: tenant.token,
                    json: [
                        "key": key, "manufacturer": "Acme Cranes", "type": "procedure", "title": "Hoist overload relay reset",
                        "summary": "The hoist stops when its overload relay trips.",
                        "safety": ["level": "caution", "notes": ["Lower the load first."]],
                    ])
                #expect(created.status == .created)
            }
            let first = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "hoist overload relay"]).json()
            #expect(first["candidates"][0]["atomId"].stringValue == "org.hoist-reset-a")
            let diagnosis = try first["id"].uuid()

            let bad = try await app.send(
                .POST, "/api/v1/diagnoses/\(diagnosis)/feedback", token: tenant.token, json: ["outcome": "great", "atomId": "abb.nothing"])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.json()["errors"].array.compactMap { $0["field"].stringValue }) == ["outcome", "atomId"])

            for _ in 0..<2 {
                let given = try await app.send(
                    .POST, "/api/v1/diagnoses/\(diagnosis)/feedback", token: tenant.token,
                    json: ["outcome": "fixed", "atomId": "org.hoist-reset-b", "note": "It was relay B"])
                #expect(given.status == .created)
            }
            let counts = try await app.send(.GET, "/api/v1/knowledge/atoms/org.hoist-reset-b", token: tenant.token).json()
            #expect(counts["feedback"]["fixed"].intValue == 2)
            #expect(counts["builtIn"].boolValue == false)
            #expect(try await app.send(.GET, "/api/v1/diagnoses/\(diagnosis)/feedback", token: tenant.token).json().array.count == 2)

            let after = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "hoist overload relay"]).json()
            #expect(after["candidates"][0]["atomId"].stringValue == "org.hoist-reset-b")
        }
    }

    @Test func aWorkOrderMadeFromADiagnosisLinksBothWaysOnce() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let asset = try await app.makeAsset(tenant)
            let diagnosis = try await app.send(
                .POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "PowerFlex 525 F004", "assetId": asset.uuidString]
            ).json()["id"].uuid()
            let created = try await app.send(.POST, "/api/v1/diagnoses/\(diagnosis)/work-order", token: tenant.token)
            #expect(created.status == .created)
            let order = try created.json()
            #expect(order["diagnosisId"].stringValue == diagnosis.uuidString)
            #expect(order["source"].stringValue == "diagnosis")
            #expect(order["assetId"].stringValue == asset.uuidString)
            #expect(order["faultCodes"].array.map(\.stringValue) == ["F004"])
            #expect((order["title"].stringValue ?? "").contains("F004"))
            #expect((order["description"].stringValue ?? "").contains("Source:"))
            let linked = try await app.send(.GET, "/api/v1/diagnoses/\(diagnosis)", token: tenant.token).json()
            #expect(linked["workOrderId"].stringValue == order["id"].stringValue)
            let again = try await app.send(.POST, "/api/v1/diagnoses/\(diagnosis)/work-order", token: tenant.token)
            #expect(again.status == .conflict)

            let noAsset = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "G120 F07801"]).json()["id"]
                .uuid()
            let refused = try await app.send(
                .POST, "/api/v1/diagnoses/\(noAsset)/work-order", token: tenant.token, json: ["priority": "high"])
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.json()["errors"].array.compactMap { $0["field"].stringValue } == ["siteId"], "\(refused.body.string)")
        }
    }

    @Test func membersLimitedToSitesSeeOnlyTheirOwnDiagnoses() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let technician = try await app.addMember(to: tenant, role: .technician)
            _ = try await app.send(.PATCH, "/api/v1/users/\(technician.id)", token: tenant.token, json: ["siteIds": [site.uuidString]])
            let owners = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "G120 F07801"]).json()["id"]
                .uuid()
            let own = try await app.send(.POST, "/api/v1/diagnoses", token: technician.token, json: ["query": "pf525 F005"]).json()["id"]
                .uuid()
            let listed = try await app.send(.GET, "/api/v1/diagnoses", token: technician.token).json()["items"].array.map {
                $0["id"].stringValue
            }
            #expect(listed == [own.uuidString])
            #expect(try await app.send(.GET, "/api/v1/diagnoses/\(owners)", token: technician.token).status == .notFound)
        }
    }
}

@Suite("Photo diagnosis", .tags(.externalTools))
struct PhotoDiagnosisTests {
    /// A display-like picture of `text` drawn with ImageMagick (the one the app found, not any `convert` on PATH):
    /// light characters on a dark panel.
    static func display(_ text: String, background: String, foreground: String, format: String) throws -> [UInt8] {
        let convert = try #require(
            OCRReader.onPath.convert, "ImageMagick is needed to draw the test displays (apt-get install imagemagick)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("display-\(UUID().uuidString).\(format)")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: convert)
        process.arguments = [
            "-size", "520x160", "xc:\(background)", "-font", "DejaVu-Sans-Mono-Bold", "-pointsize", "72", "-fill", foreground,
            "-gravity", "center", "-annotate", "0", text, "-blur", "0x0.8", output.path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(convert) could not draw the test display")
        return Array(try Data(contentsOf: output))
    }

    @Test(
        "the code on a photographed display is read and answered",
        arguments: [
            ("F004", "#101010", "#ff3020", "png", "pf525", "rockwell.powerflex-520.f004"),
            ("F30001", "#0a1a0a", "#60ff60", "jpg", "", "siemens.sinamics-g120.f30001"),
        ])
    func photo(text: String, background: String, foreground: String, format: String, family: String, atom: String) async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let image = try Self.display(text, background: background, foreground: foreground, format: format)
            var fields: [String: String] = [:]
            if !family.isEmpty { fields["family"] = family }
            let response = try await app.sendForm(
                "/api/v1/diagnoses", token: tenant.token, fields: fields,
                file: ("image", image, "display.\(format)", format == "png" ? "image/png" : "image/jpeg"))
            #expect(response.status == .created, "\(response.body.string)")
            let body = try response.json()
            #expect((body["ocr"]["text"].stringValue ?? "").contains(text))
            #expect(body["ocr"]["codes"].array.map(\.stringValue) == [text])
            #expect(body["confident"].boolValue == true)
            #expect(body["candidates"][0]["atomId"].stringValue == atom)
        }
    }

    @Test func aConvertThatIsNotImageMagickIsPassedOver() throws {
        // A stand-in first on PATH, as on a fresh machine of the CI kind: it answers to the name but is no ImageMagick.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fake = folder.appendingPathComponent("convert").path
        #expect(FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\necho 'not ImageMagick'; exit 1\n".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        #expect(OCRReader.imageMagick(environment: ["PATH": folder.path]) == nil)
        let systemPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = try #require(OCRReader.imageMagick(environment: ["PATH": folder.path + ":" + systemPath]))
        #expect(found != fake)
        #expect(OCRReader.isImageMagick(found))
    }

    @Test func withoutTesseractAPhotoIsA503ThatSaysWhatToInstall() async throws {
        try await withTestApp { app in
            app.ocr = OCRReader(tesseract: nil, convert: nil)
            let tenant = try await app.makeTenant()
            let response = try await app.sendForm(
                "/api/v1/diagnoses", token: tenant.token, fields: [:], file: ("image", jpegBytes, "display.jpg", "image/jpeg"))
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["detail"].string().contains("tesseract-ocr"))
            // Typed diagnosis still works.
            let typed = try await app.send(.POST, "/api/v1/diagnoses", token: tenant.token, json: ["query": "pf525 F004"])
            #expect(typed.status == .created)
        }
    }

    @Test func aFileThatIsNotAnImageIsRefusedByField() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.sendForm(
                "/api/v1/diagnoses", token: tenant.token, fields: ["assetId": "x"],
                file: ("image", Array("%PDF-1.4 hello".utf8), "a.pdf", "application/pdf"))
            #expect(response.status == .unprocessableEntity)
            #expect(Set(try response.json()["errors"].array.compactMap { $0["field"].stringValue }) == ["image", "assetId"])
        }
    }
}

extension Tag {
    /// Tests that run external programs (tesseract, ImageMagick), which `scripts/test` installs.
    @Tag static var externalTools: Self
}
