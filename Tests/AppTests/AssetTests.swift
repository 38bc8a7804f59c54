import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Sites, locations and assets")
struct AssetTests {
    @Test func anAssetIsCreatedWithEveryFieldAndReadBack() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let location = try await app.send(
                .POST, "/api/v1/locations", token: tenant.token, json: ["siteId": site.uuidString, "name": "Line 2"]
            ).json()["id"].uuid()
            for field in [
                ["key": "ratedKw", "label": "Rated power (kW)", "type": "number"], ["key": "panel", "label": "Panel", "type": "text"],
            ] {
                #expect(try await app.send(.POST, "/api/v1/custom-fields", token: tenant.token, json: field).status == .created)
            }
            let created = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token,
                json: [
                    "siteId": site.uuidString, "locationId": location.uuidString, "tag": "VFD-PL2", "name": "Packaging Line 2 VFD",
                    "kind": "drive", "manufacturer": "Allen-Bradley", "model": "PowerFlex 525", "serialNumber": "25B-123",
                    "criticality": 4, "status": "operational", "installDate": "2021-03-15", "warrantyEnd": "2026-03-15",
                    "purchaseCost": 1830.5, "customFields": ["ratedKw": 7.5, "panel": "MCC-2"],
                ])
            #expect(created.status == .created)
            let id = try created.json()["id"].uuid()
            #expect(created.headers.first(name: .location) == "/api/v1/assets/\(id)")
            let read = try await app.send(.GET, "/api/v1/assets/\(id)", token: tenant.token)
            let asset = try read.json()
            #expect(asset["kind"].stringValue == "drive")
            #expect(asset["model"].stringValue == "PowerFlex 525")
            #expect(asset["isUp"].boolValue == true)
            #expect(asset["customFields"]["panel"].stringValue == "MCC-2")
            #expect(read.headers.first(name: .eTag) == "\"1\"")
        }
    }

    @Test func badAssetInputListsEveryFieldAndWritesNothing() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token,
                json: ["kind": "spaceship", "criticality": 9, "installDate": "2021-02-30", "purchaseCost": "cheap", "customFields": [1]])
            #expect(response.status == .unprocessableEntity)
            #expect(
                try response.problemFields() == [
                    "siteId", "tag", "name", "kind", "criticality", "installDate", "purchaseCost", "customFields",
                ])
            #expect(try await Asset.query(on: app.db).count() == 0)
        }
    }

    @Test func aTagIsUniqueInTheOrganizationButNotAcrossOrganizations() async throws {
        try await withTestApp { app in
            let first = try await app.makeTenant()
            let second = try await app.makeTenant()
            _ = try await app.makeAsset(first, tag: "CNV-03")
            let site = try await app.makeSite(first)
            let duplicate = try await app.send(
                .POST, "/api/v1/assets", token: first.token, json: ["siteId": site.uuidString, "tag": "CNV-03", "name": "Other"])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(try duplicate.problemFields() == ["tag"])
            _ = try await app.makeAsset(second, tag: "CNV-03")
        }
    }

    @Test func anAssetCannotBecomeItsOwnAncestorNorHangUnderAnotherSite() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let conveyor = try await app.makeAsset(tenant, site: site, name: "Conveyor 3")
            let drive = try await app.makeAsset(tenant, site: site, name: "Conveyor 3 drive", extra: ["parentId": conveyor.uuidString])
            let cycle = try await app.send(.PATCH, "/api/v1/assets/\(conveyor)", token: tenant.token, json: ["parentId": drive.uuidString])
            #expect(cycle.status == .unprocessableEntity)
            #expect(try cycle.problemFields() == ["parentId"])
            let otherSite = try await app.makeSite(tenant, name: "Elsewhere")
            let elsewhere = try await app.makeAsset(tenant, site: otherSite)
            let across = try await app.send(
                .PATCH, "/api/v1/assets/\(drive)", token: tenant.token, json: ["parentId": elsewhere.uuidString])
            #expect(try across.problemFields() == ["parentId"])
            let children = try await app.send(.GET, "/api/v1/assets?parentId=\(conveyor)", token: tenant.token)
            #expect(try children.json()["items"].array.map { try $0["id"].uuid() } == [drive])
            #expect(try await app.send(.DELETE, "/api/v1/assets/\(conveyor)", token: tenant.token).status == .conflict)
        }
    }

    @Test func aSiteWithAssetsCannotBeDeleted() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let asset = try await app.makeAsset(tenant, site: site)
            #expect(try await app.send(.DELETE, "/api/v1/sites/\(site)", token: tenant.token).status == .conflict)
            #expect(try await app.send(.DELETE, "/api/v1/assets/\(asset)", token: tenant.token).status == .noContent)
            #expect(try await app.send(.DELETE, "/api/v1/sites/\(site)", token: tenant.token).status == .noContent)
        }
    }

    @Test func aBadTimeZoneIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let response = try await app.send(.POST, "/api/v1/sites", token: tenant.token, json: ["name": "X", "timeZone": "Mars/Olympus"])
            #expect(try response.problemFields() == ["timeZone"])
        }
    }

    @Test func listsFilterAndExportAsCSVWithFormulasNeutralised() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            _ = try await app.makeAsset(tenant, site: site, tag: "P-1", name: "=HYPERLINK(\"http://evil\")", extra: ["kind": "machine"])
            _ = try await app.makeAsset(tenant, site: site, tag: "D-1", name: "Drive, main", extra: ["kind": "drive"])
            let drives = try await app.send(.GET, "/api/v1/assets?kind=drive", token: tenant.token)
            #expect(try drives.json()["items"].array.map { try $0["tag"].string() } == ["D-1"])
            #expect(try await app.send(.GET, "/api/v1/assets?kind=boat", token: tenant.token).problemFields() == ["kind"])

            let csv = try await app.send(.GET, "/api/v1/assets?format=csv&sort=tag", token: tenant.token)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("id,siteId,locationId,parentId,tag,name,kind"))
            #expect(lines[1].contains(",D-1,\"Drive, main\",drive,"))
            #expect(lines[2].contains(",P-1,\"'=HYPERLINK(\"\"http://evil\"\")\",machine,"))
            #expect(try await app.send(.GET, "/api/v1/assets?format=xml", token: tenant.token).status == .badRequest)
        }
    }
}

@Suite("Custom fields")
struct CustomFieldTests {
    @Test func assetValuesAreCheckedAgainstTheOrganizationsDefinitions() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            let definitions: [[String: Any]] = [
                ["key": "ratedKw", "label": "Rated power", "type": "number", "required": true],
                ["key": "ipRating", "label": "IP rating", "type": "select", "options": ["IP54", "IP65"]],
                ["key": "lastOverhaul", "label": "Last overhaul", "type": "date"],
                ["key": "atex", "label": "ATEX zone", "type": "boolean"],
            ]
            for definition in definitions {
                #expect(try await app.send(.POST, "/api/v1/custom-fields", token: tenant.token, json: definition).status == .created)
            }
            let badDefinition = try await app.send(
                .POST, "/api/v1/custom-fields", token: tenant.token, json: ["key": "9x", "type": "select"])
            #expect(try badDefinition.problemFields() == ["key", "label", "options"])
            let wrong = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token,
                json: [
                    "siteId": site.uuidString, "tag": "M-1", "name": "Motor",
                    "customFields": ["ipRating": "IP99", "lastOverhaul": "2024-13-01", "atex": "yes", "colour": "blue"],
                ])
            #expect(
                try wrong.problemFields() == [
                    "customFields.atex", "customFields.colour", "customFields.ipRating", "customFields.lastOverhaul",
                    "customFields.ratedKw",
                ])
            let right = try await app.send(
                .POST, "/api/v1/assets", token: tenant.token,
                json: [
                    "siteId": site.uuidString, "tag": "M-1", "name": "Motor",
                    "customFields": ["ratedKw": 7.5, "ipRating": "IP65", "lastOverhaul": "2024-03-01", "atex": false],
                ])
            #expect(right.status == .created)
            #expect(try right.json()["customFields"]["ipRating"].stringValue == "IP65")
        }
    }
}

@Suite("Meters and readings")
struct MeterTests {
    @Test func aMonotonicMeterRefusesAReadingBelowTheLastOne() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let meter = try await app.makeMeter(tenant)
            let first = try await app.send(
                .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1200, "readAt": "2026-11-01T08:00:00Z"])
            #expect(first.status == .created)
            let lower = try await app.send(
                .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1100, "readAt": "2026-11-02T08:00:00Z"])
            #expect(lower.status == .unprocessableEntity)
            #expect(try lower.problemFields() == ["value"])
            #expect(
                try lower.json()["errors"][0]["message"].string().contains("1,200")
                    || lower.json()["errors"][0]["message"].string().contains("1200"))
            // A back-dated reading must fit between its neighbours.
            let backdated = try await app.send(
                .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1300, "readAt": "2026-10-01T08:00:00Z"])
            #expect(backdated.status == .unprocessableEntity)
            let fits = try await app.send(
                .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": 1150, "readAt": "2026-10-01T08:00:00Z"])
            #expect(fits.status == .created)
            let shown = try await app.send(.GET, "/api/v1/meters/\(meter)", token: tenant.token)
            #expect(try shown.json()["lastValue"].value as? Double == 1200)
            let readings = try await app.send(.GET, "/api/v1/meters/\(meter)/readings", token: tenant.token)
            #expect(try readings.json()["items"].array.compactMap { $0["value"].value as? Double } == [1200, 1150])
        }
    }

    @Test func aGaugeMeterTakesAnyValue() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let meter = try await app.makeMeter(tenant, monotonic: false)
            for value in [80.5, 72.0, 91.2] {
                let response = try await app.send(.POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": value])
                #expect(response.status == .created)
            }
        }
    }

    @Test func aReadingInTheFutureOrNotANumberIsRefused() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let meter = try await app.makeMeter(tenant)
            let response = try await app.send(
                .POST, "/api/v1/meters/\(meter)/readings", token: tenant.token, json: ["value": "lots", "readAt": "2999-01-01T00:00:00Z"])
            #expect(try response.problemFields() == ["value", "readAt"])
        }
    }
}

@Suite("Site-limited memberships")
struct SiteLimitTests {
    @Test func aTechnicianLimitedToSiteASeesAndChangesNothingAtSiteB() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let siteA = try await app.makeSite(tenant, name: "A")
            let siteB = try await app.makeSite(tenant, name: "B")
            let assetA = try await app.makeAsset(tenant, site: siteA, tag: "A-1")
            let assetB = try await app.makeAsset(tenant, site: siteB, tag: "B-1")
            let meterB = try await app.makeMeter(tenant, asset: assetB)
            let meterA = try await app.makeMeter(tenant, asset: assetA)
            let technician = try await app.addMember(to: tenant, role: .technician)
            let limit = try await app.send(
                .PATCH, "/api/v1/users/\(technician.id)", token: tenant.token, json: ["siteIds": [siteA.uuidString]])
            #expect(limit.status == .ok)

            let sites = try await app.send(.GET, "/api/v1/sites", token: technician.token)
            #expect(try sites.json()["items"].array.map { try $0["id"].uuid() } == [siteA])
            let assets = try await app.send(.GET, "/api/v1/assets", token: technician.token)
            #expect(try assets.json()["items"].array.map { try $0["id"].uuid() } == [assetA])
            let meters = try await app.send(.GET, "/api/v1/meters", token: technician.token)
            #expect(try meters.json()["items"].array.map { try $0["id"].uuid() } == [meterA])

            #expect(try await app.send(.GET, "/api/v1/sites/\(siteB)", token: technician.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/assets/\(assetB)", token: technician.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/meters/\(meterB)", token: technician.token).status == .notFound)
            let reading = try await app.send(.POST, "/api/v1/meters/\(meterB)/readings", token: technician.token, json: ["value": 5])
            #expect(reading.status == .notFound)
            #expect(
                try await app.send(.POST, "/api/v1/meters/\(meterA)/readings", token: technician.token, json: ["value": 5]).status
                    == .created)

            // A limited manager can neither move an asset to, nor create one at, a site outside their limit.
            let manager = try await app.addMember(to: tenant, role: .manager)
            _ = try await app.send(.PATCH, "/api/v1/users/\(manager.id)", token: tenant.token, json: ["siteIds": [siteA.uuidString]])
            let move = try await app.send(.PATCH, "/api/v1/assets/\(assetA)", token: manager.token, json: ["siteId": siteB.uuidString])
            #expect(try move.problemFields() == ["siteId"])
            let create = try await app.send(
                .POST, "/api/v1/assets", token: manager.token, json: ["siteId": siteB.uuidString, "tag": "B-2", "name": "x"])
            #expect(try create.problemFields() == ["siteId"])
            #expect(try await app.send(.PATCH, "/api/v1/assets/\(assetB)", token: manager.token, json: ["name": "x"]).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/sites", token: manager.token, json: ["name": "C"]).status == .forbidden)
        }
    }
}

/// The asset list reads its rows straight into DTOs (``Assets/list(_:_:principal:on:)``): what Fluent's models
/// give, in the same order and pages, with the same filters.
@Suite("Asset list, typed")
struct AssetListTests {
    @Test func theTypedListGivesWhatTheModelsGivePageByPage() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let site = try await app.makeSite(tenant)
            #expect(
                try await app.send(
                    .POST, "/api/v1/custom-fields", token: tenant.token, json: ["key": "panel", "label": "Panel", "type": "text"]
                ).status == .created)
            let parent = try await app.makeAsset(
                tenant, site: site, tag: "P-1", name: "Line",
                extra: [
                    "kind": "drive", "manufacturer": "ABB", "model": "ACS580", "serialNumber": "S-1", "criticality": 5,
                    "status": "degraded",
                    "installDate": "2021-03-15", "warrantyEnd": "2026-03-15", "purchaseCost": 1830.5, "description": "Main drive",
                    "customFields": ["panel": "MCC-2"],
                ])
            for index in 0..<7 {
                _ = try await app.makeAsset(
                    tenant, site: site, tag: "C-\(index)", name: index.isMultiple(of: 2) ? "Pump \(index)" : "Fan \(index)",
                    extra: ["parentId": parent.uuidString, "status": index == 3 ? "down" : "operational", "criticality": index % 3 + 1])
            }
            let owner = try await Authenticator.memberPrincipal(
                userID: tenant.ownerID, organizationID: tenant.organizationID, credential: .accessToken, on: app.db)
            let expected = try await Asset.query(on: app.db).filter(\.$organizationID == tenant.organizationID).all().map(\.dto)
            for (sort, order) in [("tag", expected.sorted { $0.tag < $1.tag }), ("-criticality", [])] {
                var parameters = ListParameters(limit: 3, sortName: sort.trimmingCharacters(in: ["-"]), descending: sort.hasPrefix("-"))
                var read: [Asset.DTO] = []
                while true {
                    let (items, next) = try await Assets.list(AssetFilter(), parameters, principal: owner, on: app.db)
                    read += items
                    guard let next else { break }
                    parameters.cursor = try JSONDecoder().decode(ListParameters.Cursor.self, from: #require(Data(base64URLEncoded: next)))
                }
                #expect(Set(read.map(\.id)) == Set(expected.map(\.id)))
                #expect(read.count == expected.count)
                if !order.isEmpty { #expect(read == order) }
                if sort == "-criticality" { #expect(read.map(\.criticality) == read.map(\.criticality).sorted(by: >)) }
            }
            let whole = try #require(
                try await Assets.list(
                    AssetFilter(), .init(limit: 50, sortName: "tag", descending: false),
                    principal: owner, on: app.db
                ).items.first { $0.id == parent })
            #expect(whole == expected.first { $0.id == parent })
            #expect(whole.customFields?["panel"] == .string("MCC-2") && whole.purchaseCost == 1830.5 && whole.isUp)
            var filter = AssetFilter()
            filter.text = "Pump"
            filter.parentID = parent
            let pumps = try await Assets.list(filter, .init(limit: 50, sortName: "tag", descending: false), principal: owner, on: app.db)
            #expect(pumps.items.map(\.tag) == ["C-0", "C-2", "C-4", "C-6"])
            filter = AssetFilter()
            filter.rootOnly = true
            #expect(
                try await Assets.list(filter, .init(limit: 50, sortName: "tag", descending: false), principal: owner, on: app.db).items
                    .map(\.id) == [parent])
            filter = AssetFilter()
            filter.status = .down
            #expect(
                try await Assets.list(filter, .init(limit: 50, sortName: "tag", descending: false), principal: owner, on: app.db).items
                    .map(\.tag) == ["C-3"])
        }
    }
}
