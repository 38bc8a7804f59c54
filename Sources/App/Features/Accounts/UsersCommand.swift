import Fluent
import Vapor

/// `millwright users create --org … --email … --role … [--password …]`
struct UsersCommand: AsyncCommandGroup {
    var help = "Manage user accounts."
    var commands: [String: any AnyAsyncCommand] = ["create": Create()]

    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "org", help: "Organization id or name")
            var org: String?
            @Option(name: "email", help: "The user's e-mail (their sign-in)")
            var email: String?
            @Option(name: "role", help: "owner, admin, manager, technician, requester or viewer")
            var role: String?
            @Option(name: "name", help: "The user's name (default: the e-mail)")
            var name: String?
            @Option(name: "password", help: "The password; when absent one is generated and printed once")
            var password: String?
        }

        var help = "Create a user account (or add an existing one) as a member of an organization."

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            var problems: [String] = []
            var body = JSONBody(values: ["email": signature.email.map(JSONValue.string) ?? .null])
            let email = body.email("email", required: true)
            problems += body.problems.map { "--email \($0.message)" }
            let role = signature.role.flatMap(Role.init(rawValue:))
            if role == nil { problems.append("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            if let password = signature.password {
                problems += PasswordHasher.problems(password, field: "--password").map { "\($0.field) \($0.message)" }
            }
            guard problems.isEmpty, let email, let role else { throw CommandFailure(problems.joined(separator: "\n")) }
            let organization = try await app.organization(named: signature.org)
            let organizationID = try organization.requireID()
            let passwords = app.passwordHasher
            let new = Accounts.NewMember(email: email, name: signature.name, role: role, password: signature.password, siteIDs: nil)
            do {
                let (_, user, generated) = try await app.write { db in
                    try await Accounts.addMember(
                        new, organizationID: organizationID, context: .cli("users create", app), passwordHasher: passwords, on: db)
                }
                context.console.print("Added \(user.email) to \(organization.name) as \(role.rawValue).")
                if let generated {
                    context.console.print("One-time password (shown only now; change it after signing in): \(generated)")
                }
            } catch {
                throw CommandFailure(commandMessage(error))
            }
        }
    }
}
