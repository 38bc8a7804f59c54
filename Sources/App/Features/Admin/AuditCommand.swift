import Fluent
import Vapor

/// `millwright audit verify [--org …]`: walks each organization's hash chain; exit status 1 when one is broken.
struct AuditCommand: AsyncCommandGroup {
    var help = "Inspect the audit trail."
    var commands: [String: any AnyAsyncCommand] = ["verify": Verify()]

    struct Verify: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "org", help: "Only this organization (id or name); default: all")
            var org: String?
        }

        var help = "Verify the audit trail's hash chain of every organization."

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let organizations =
                signature.org == nil
                ? try await Organization.query(on: app.db).sort(\.$createdAt).all()
                : [try await app.organization(named: signature.org)]
            var broken = 0
            for organization in organizations {
                let result = try await AuditLog.verify(organizationID: try organization.requireID(), seal: app.auditSeal, on: app.db)
                if result.ok {
                    context.console.print("ok      \(organization.name): \(result.checked) events, chain intact")
                } else {
                    broken += 1
                    let at = result.brokenEventId.map { " (\($0.uuidString))" } ?? ""
                    context.console.print(
                        "BROKEN  \(organization.name): at event \(result.brokenAtSequence ?? 0)\(at): \(result.reason ?? "")")
                }
            }
            if broken > 0 { throw CommandFailure("The audit trail of \(broken) organization(s) is broken.") }
        }
    }
}
