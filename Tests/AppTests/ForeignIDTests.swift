import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Every id a request body carries names something of the caller's own organization, or the request is a 422
/// naming the field. The fields come from the OpenAPI request schemas (every `format: uuid`, nested or in a
/// list), so a new field is covered by itself; this test only needs to know what kind of thing a field names.
@Suite("Foreign ids in bodies")
struct ForeignIDTests {
    /// What a field names, by its name (and, where names are shared, the path it is sent to).
    static func kind(of field: String, path: String) -> String? {
        switch field {
        case "siteId", "siteIds": "siteID"
        case "clientId": "clientID"
        case "locationId", "toLocationId": "locationID"
        case "parentId": path.hasPrefix("/locations") ? "locationID" : "assetID"
        case "assetId": "assetID"
        case "meterId": "meterID"
        case "teamId": "teamID"
        case "assigneeIds", "memberIds", "userId": "userID"
        case "problemCodeId", "causeCodeId", "remedyCodeId": "failureCodeID"
        case "stockLevelId": "stockLevelID"
        case "templateId", "checklistTemplateId": "checklistTemplateID"
        case "vendorId", "preferredVendorId": "vendorID"
        case "partId": "partID"
        case "lineId": "lineID"
        default: nil
        }
    }

    /// Fields that name no stored thing of an organization, with the reason.
    static let exempt: Set<String> = [
        // Sign-in picks one of the person's own organizations; any other answers 401 like a wrong password.
        "POST /auth/token organizationId"
    ]

    @Test func anotherOrganizationsIdInAnyBodyFieldIsA422NamingIt() async throws {
        try await withTestApp { app in
            let own = try await app.makeTenant("Own")
            let other = try await app.makeTenant("Other")
            let mine = try await app.makeWorld(own)
            let theirs = try await app.makeWorld(other)
            let fields = try Self.bodyIDFields()
            #expect(fields.count >= 80)
            var failures: [String] = []
            var checked = 0
            for field in fields where !Self.exempt.contains("\(field.method) \(field.path) \(field.field)") {
                let name = field.field.split(separator: ".").last.map { String($0).replacingOccurrences(of: "[]", with: "") } ?? ""
                guard let kind = Self.kind(of: name, path: field.path) else {
                    failures.append("\(field.method) \(field.path): no kind for \(field.field); add it to kind(of:path:)")
                    continue
                }
                let foreign = try #require(theirs.ids[kind])
                var path = "/api/v1"
                for component in field.path.split(separator: "/") {
                    if component.hasPrefix("{") {
                        let parameter = String(component.dropFirst().dropLast())
                        path += "/" + (try #require(mine.ids[parameter]?.uuidString ?? mine.names[parameter], "no id for \(parameter)"))
                    } else {
                        path += "/\(component)"
                    }
                }
                let response = try await app.send(
                    HTTPMethod(rawValue: field.method), path, token: own.token, json: Self.body(placing: foreign, at: field.field))
                checked += 1
                let named = (try? response.problemFields()) ?? []
                let accepted = Self.spellings(of: field.field)
                if response.status != .unprocessableEntity || named.isDisjoint(with: accepted) {
                    failures.append(
                        "\(field.method) \(path) with another organization's id in \(field.field): \(response.status.code) \(named.sorted())"
                    )
                }
            }
            #expect(failures == [])
            #expect(checked >= 80)
        }
    }

    /// The same walk inside one organization, for a manager limited to one site: the other site's site, asset
    /// and location ids are refused in every field that takes them.
    @Test func anotherSitesIdIsA422ForAMemberLimitedToOneSite() async throws {
        try await withTestApp { app in
            let tenant = try await app.makeTenant()
            let mine = try await app.makeWorld(tenant)
            let elsewhere = try await app.makeWorld(tenant, atomKey: "elsewhere")
            let manager = try await app.addMember(to: tenant, role: .manager)
            let limited = try await app.send(
                .PATCH, "/api/v1/users/\(manager.id)", token: tenant.token, json: ["siteIds": [try #require(mine.ids["siteID"]).uuidString]]
            )
            #expect(limited.status == .ok)
            var failures: [String] = []
            var refused = 0
            for field in try Self.bodyIDFields() where !Self.exempt.contains("\(field.method) \(field.path) \(field.field)") {
                let name = field.field.split(separator: ".").last.map { String($0).replacingOccurrences(of: "[]", with: "") } ?? ""
                guard let kind = Self.kind(of: name, path: field.path), ["siteID", "assetID", "locationID"].contains(kind) else { continue }
                var path = "/api/v1"
                for component in field.path.split(separator: "/") {
                    if component.hasPrefix("{") {
                        let parameter = String(component.dropFirst().dropLast())
                        path += "/" + (try #require(mine.ids[parameter]?.uuidString ?? mine.names[parameter], "no id for \(parameter)"))
                    } else {
                        path += "/\(component)"
                    }
                }
                let other = try #require(elsewhere.ids[kind])
                let response = try await app.send(
                    HTTPMethod(rawValue: field.method), path, token: manager.token, json: Self.body(placing: other, at: field.field))
                // A route the manager may not use at all, or whose object is at a site out of reach, changes nothing.
                if response.status == .forbidden { continue }
                if response.status == .notFound {
                    let own = try await app.send(
                        HTTPMethod(rawValue: field.method), path, token: manager.token,
                        json: Self.body(placing: try #require(mine.ids[kind]), at: field.field))
                    if own.status == .notFound { continue }
                }
                let named = (try? response.problemFields()) ?? []
                if response.status != .unprocessableEntity || named.isDisjoint(with: Self.spellings(of: field.field)) {
                    failures.append(
                        "\(field.method) \(path) with another site's id in \(field.field): \(response.status.code) \(named.sorted())")
                } else {
                    refused += 1
                }
            }
            #expect(failures == [])
            #expect(refused >= 20)
        }
    }

    struct BodyField {
        var method: String
        var path: String
        /// `items[].meterId`, `meter.meterId`, `siteIds[]`.
        var field: String
    }

    /// Every `format: uuid` property of every JSON request body in the OpenAPI document.
    static func bodyIDFields() throws -> [BodyField] {
        let data = try #require(OpenAPIController.documentData)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        func resolve(_ schema: [String: Any]) -> [String: Any] {
            guard let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last,
                let target = schemas[String(name)] as? [String: Any]
            else { return schema }
            return resolve(target)
        }
        func walk(_ raw: [String: Any], _ path: String, into found: inout [String]) {
            let schema = resolve(raw)
            for key in ["allOf", "oneOf", "anyOf"] {
                for part in schema[key] as? [[String: Any]] ?? [] { walk(part, path, into: &found) }
            }
            if schema["format"] as? String == "uuid" { found.append(path) }
            if let items = schema["items"] as? [String: Any] { walk(items, path + "[]", into: &found) }
            for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
                if let property = property as? [String: Any] { walk(property, path.isEmpty ? name : "\(path).\(name)", into: &found) }
            }
        }
        var fields: [BodyField] = []
        for (path, operations) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (method, operation) in operations where ["post", "patch", "put"].contains(method) {
                let content = ((operation as? [String: Any])?["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]
                for (type, media) in content where type.contains("json") {
                    guard let schema = (media as? [String: Any])?["schema"] as? [String: Any] else { continue }
                    var found: [String] = []
                    walk(schema, "", into: &found)
                    fields += Set(found).sorted().map { BodyField(method: method.uppercased(), path: path, field: $0) }
                }
            }
        }
        return fields.sorted { ($0.path, $0.method, $0.field) < ($1.path, $1.method, $1.field) }
    }

    /// A body holding `id` at `field` and nothing else: `items[].meterId` → `{"items": [{"meterId": id}]}`.
    static func body(placing id: UUID, at field: String) -> [String: Any] {
        func build(_ parts: ArraySlice<Substring>) -> Any {
            guard let part = parts.first else { return id.uuidString }
            let rest = build(parts.dropFirst())
            if part.hasSuffix("[]") { return [String(part.dropLast(2)): [rest]] }
            return [String(part): rest]
        }
        let parts = field.split(separator: ".")
        if parts.count == 1, field.hasSuffix("[]") { return [String(field.dropLast(2)): [id.uuidString]] }
        return build(parts[...]) as? [String: Any] ?? [:]
    }

    /// How a problem may name the field: `items[0].meterId`, `items[].meterId` or `items.meterId`.
    static func spellings(of field: String) -> Set<String> {
        [
            field.replacingOccurrences(of: "[]", with: "[0]"), field, field.replacingOccurrences(of: "[]", with: ""),
        ]
    }
}
