import ConsoleKit
import Vapor

@testable import App

extension Application {
    /// Runs a `millwright` subcommand in-process, as `millwright <arguments…>` would.
    func run(command arguments: [String]) async throws {
        var context = CommandContext(console: console, input: CommandInput(arguments: ["millwright"] + arguments))
        context.application = self
        try await asyncCommands.group().run(using: &context)
    }
}
