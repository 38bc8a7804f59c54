import Vapor

/// `millwright pm run`: creates the work orders of due PM schedules now (the server does this every minute).
struct PMCommand: AsyncCommandGroup {
    var help = "Preventive maintenance."
    var commands: [String: any AnyAsyncCommand] = ["run": Run()]

    struct Run: AsyncCommand {
        struct Signature: CommandSignature {}
        var help = "Create the work orders of every PM schedule that is due."

        func run(using context: CommandContext, signature: Signature) async throws {
            let created = try await PMGenerator.run(context.application)
            context.console.print("Created \(created.count) PM work order(s).")
        }
    }
}
