import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import VaporTesting

@testable import App

/// Which database the app tests run on: in-memory SQLite, or PostgreSQL when `MILLWRIGHT_TEST_POSTGRES_URL`
/// is set (`scripts/test` runs the suite both ways).
enum TestDatabase {
    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["MILLWRIGHT_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    static var isPostgres: Bool { postgresURL != nil }
}

/// Builds a migrated app on its own database (PostgreSQL: its own schema), runs `test`, and always shuts it down.
func withTestApp<T>(
    configure adjust: (inout AppConfig) -> Void = { _ in }, _ test: (Application) async throws -> T
) async throws -> T {
    var config: AppConfig
    if let url = TestDatabase.postgresURL {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        config = .testing(database: .postgres(url: url, searchPath: String(name)))
    } else {
        config = .testing()
    }
    adjust(&config)
    var schema: String?
    if case .postgres(_, let searchPath) = config.database { schema = searchPath }
    let app = try await Application.make(.testing)
    do {
        try await configure(app, with: config)
        if let schema { try await app.db.sql.raw("CREATE SCHEMA \(ident: schema)").run() }
        try await app.autoMigrate()
        let result = try await test(app)
        try await tearDown(app, schema: schema)
        return result
    } catch {
        try? await tearDown(app, schema: schema)
        throw error
    }
}

private func tearDown(_ app: Application, schema: String?) async throws {
    let dataDirectory = app.config.dataDirectory
    if let schema { try await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: dataDirectory)
}

/// An organization with a signed-in owner, made through the same code the CLI uses.
struct Tenant {
    var organizationID: UUID
    var ownerID: UUID
    var ownerEmail: String
    var ownerPassword: String
    var token: String
}

extension Application {
    func makeTenant(_ name: String = "Acme \(UUID().uuidString.prefix(6))") async throws -> Tenant {
        let email = "owner-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "correct horse battery staple"
        let hasher = passwordHasher
        let (organization, user) = try await write { db in
            let organization = try await Accounts.createOrganization(name: name, context: .cli("test", self), on: db)
            let (_, user, _) = try await Accounts.addMember(
                .init(email: email, name: "Owner", role: .owner, password: password, siteIDs: nil),
                organizationID: try organization.requireID(), context: .cli("test", self), passwordHasher: hasher, on: db)
            return (organization, user)
        }
        let token = try await signIn(email: email, password: password)
        return Tenant(
            organizationID: try organization.requireID(), ownerID: try user.requireID(), ownerEmail: email, ownerPassword: password,
            token: token)
    }

    /// Adds a member with `role` to the tenant and returns their access token.
    func addMember(to tenant: Tenant, role: Role, email: String? = nil) async throws -> (id: UUID, token: String) {
        let email = email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "another long password"
        let hasher = passwordHasher
        let user = try await write { db in
            try await Accounts.addMember(
                .init(email: email, name: role.rawValue, role: role, password: password, siteIDs: nil),
                organizationID: tenant.organizationID, context: .cli("test", self), passwordHasher: hasher, on: db
            ).1
        }
        return (try user.requireID(), try await signIn(email: email, password: password))
    }

    func signIn(email: String, password: String, organizationID: UUID? = nil) async throws -> String {
        var json: [String: Any] = ["email": email, "password": password]
        if let organizationID { json["organizationId"] = organizationID.uuidString }
        let response = try await send(.POST, "/api/v1/auth/token", json: json)
        #expect(response.status == .ok, "sign-in failed: \(response.body.string)")
        return try response.json()["accessToken"].string()
    }

    /// Sends a request through the in-memory tester.
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil, headers: HTTPHeaders = [:],
        body: String? = nil
    ) async throws -> TestingHTTPResponse {
        var headers = headers
        if let token { headers.bearerAuthorization = .init(token: token) }
        var buffer: ByteBuffer?
        if let json {
            headers.contentType = .json
            buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let body {
            buffer = ByteBuffer(string: body)
        }
        return try await testing().sendRequest(method, path, headers: headers, body: buffer)
    }
}

/// A parsed JSON reply, for reading fields in assertions.
struct JSON: CustomStringConvertible {
    var value: Any?

    subscript(key: String) -> JSON { JSON(value: (value as? [String: Any])?[key]) }
    subscript(index: Int) -> JSON {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSON(value: nil) }
        return JSON(value: array[index])
    }

    var array: [JSON] { (value as? [Any])?.map { JSON(value: $0) } ?? [] }
    var isNull: Bool { value == nil || value is NSNull }
    var stringValue: String? { value as? String }
    var intValue: Int? { (value as? NSNumber)?.intValue }
    var boolValue: Bool? { (value as? NSNumber)?.boolValue }

    func string(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(value as? String, "expected a string, found \(String(describing: value))", sourceLocation: sourceLocation)
    }

    func uuid(sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        try #require(UUID(uuidString: try string(sourceLocation: sourceLocation)), sourceLocation: sourceLocation)
    }

    var description: String { String(describing: value) }
}

extension TestingHTTPResponse {
    func json() throws -> JSON {
        JSON(value: try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed]))
    }

    /// The fields named in a problem+json `errors` array.
    func problemFields() throws -> Set<String> {
        Set(try json()["errors"].array.compactMap { $0["field"].stringValue })
    }

    var isProblem: Bool { headers.contentType?.subType == "problem+json" }
}
