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

/// A console that keeps what a command prints, so a test can read the command's output.
final class CapturingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var info: [AnySendableHashable: any Sendable] = [:]

    var size: (width: Int, height: Int) { (120, 40) }
    var supportsANSICommands: Bool { false }

    var userInfo: [AnySendableHashable: any Sendable] {
        get { lock.withLock { info } }
        set { lock.withLock { info = newValue } }
    }

    /// Everything printed so far.
    var output: String { lock.withLock { text } }

    func input(isSecure: Bool) -> String { "" }

    func output(_ text: ConsoleText, newLine: Bool) {
        lock.withLock { self.text += text.description + (newLine ? "\n" : "") }
    }

    func clear(_ type: ConsoleClear) {}

    func report(error: String, newLine: Bool) {}
}

extension Application {
    /// Runs a `millwright` subcommand and returns what it printed.
    func output(ofCommand arguments: [String]) async throws -> String {
        let console = CapturingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["millwright"] + arguments))
        context.application = self
        try await asyncCommands.group().run(using: &context)
        return console.output
    }
}
