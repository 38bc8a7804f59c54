import Fluent
import Vapor

/// `millwright orgs create --name …`
struct OrgsCommand: AsyncCommandGroup {
    var help = "Manage organizations (tenants)."
    var commands: [String: any AnyAsyncCommand] = ["create": Create(), "list": List()]

    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "name", help: "The organization's name")
            var name: String?
        }

        var help = "Create an organization."

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let name = signature.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 200 else {
                throw CommandFailure("--name is required (1 to 200 characters)")
            }
            let organization = try await context.application.write { db in
                try await Accounts.createOrganization(name: name, context: .cli("orgs create", context.application), on: db)
            }
            context.console.print("Created organization \(organization.name) (\(organization.id?.uuidString ?? "")).")
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help = "List organizations."

        func run(using context: CommandContext, signature: Signature) async throws {
            for organization in try await Organization.query(on: context.application.db).sort(\.$createdAt).all() {
                context.console.print("\(organization.id?.uuidString ?? "")  \(organization.name)")
            }
        }
    }
}
