import Fluent
import Vapor

/// `millwright api-keys create --org … --name … --scopes a,b`
struct APIKeysCommand: AsyncCommandGroup {
    var help = "Manage API keys."
    var commands: [String: any AnyAsyncCommand] = ["create": Create()]

    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "org", help: "Organization id or name")
            var org: String?
            @Option(name: "name", help: "What the key is for")
            var name: String?
            @Option(name: "scopes", help: "Comma-separated permissions, e.g. users:read,audit:read")
            var scopes: String?
        }

        var help = "Create an API key; the key is printed once."

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            var problems: [String] = []
            let name = signature.name?.trimmingCharacters(in: .whitespaces) ?? ""
            if name.isEmpty || name.count > 100 { problems.append("--name is required (1 to 100 characters)") }
            let (scopes, unknown) = Accounts.parseScopes((signature.scopes ?? "").split(separator: ",").map(String.init))
            if !unknown.isEmpty { problems.append("--scopes has unknown scopes: \(unknown.joined(separator: ", "))") }
            if scopes.isEmpty {
                problems.append("--scopes must name at least one of: \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "\n")) }
            let organization = try await app.organization(named: signature.org)
            let organizationID = try organization.requireID()
            let (apiKey, key) = try await app.write { db in
                try await Accounts.createAPIKey(
                    name: name, scopes: scopes, expiresAt: nil, createdBy: nil, organizationID: organizationID,
                    context: .cli("api-keys create", app), on: db)
            }
            context.console.print("Created API key \(apiKey.name) (\(apiKey.id?.uuidString ?? "")) for \(organization.name).")
            context.console.print("Key (shown only now): \(key)")
        }
    }
}
