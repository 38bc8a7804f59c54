import Fluent
import Foundation
import Vapor

/// `millwright jobs list|retry|cancel`: the background queue from the terminal.
struct JobsCommand: AsyncCommandGroup {
    var help = "Inspect and steer background jobs."
    var commands: [String: any AnyAsyncCommand] = ["list": List(), "retry": JobsCommand.retry, "cancel": JobsCommand.cancel]

    struct List: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "state", help: "Only jobs in this state: queued, running, succeeded, dead or cancelled")
            var state: String?
            @Option(name: "limit", help: "At most this many, newest first (default 50)")
            var limit: Int?
        }

        var help = "List the newest jobs: id, kind, state, attempts, when it runs, its last error."

        func run(using context: CommandContext, signature: Signature) async throws {
            var state: JobRecord.State?
            if let name = signature.state {
                guard let known = JobRecord.State(rawValue: name) else {
                    throw CommandFailure("--state must be one of \(JobRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                state = known
            }
            let limit = signature.limit ?? 50
            guard (1...1000).contains(limit) else { throw CommandFailure("--limit must be from 1 to 1000") }
            let jobs = try await JobQueue.list(state: state, limit: limit, on: context.application.db)
            if jobs.isEmpty { context.console.print("no jobs") }
            for job in jobs {
                let error = job.lastError.map { "  \($0.prefix(120))" } ?? ""
                context.console.print(
                    "\(job.id.uuidString)  \(job.kind)  \(job.state.rawValue)  \(job.attempts)/\(job.maxAttempts)  "
                        + "\(job.runAt.formatted(.iso8601))\(error)")
            }
        }
    }

    /// `retry` and `cancel`: one change of one job, by id.
    struct Steer: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "id", help: "The job's id")
            var id: String
        }

        var help: String
        /// What the command printed for a change made ("queued", "cancelled").
        var done: String
        /// Why a job that exists was left as it is.
        var refused: String
        var change: @Sendable (UUID, any Database) async throws -> Bool?

        func run(using context: CommandContext, signature: Signature) async throws {
            let id = try JobsCommand.id(signature.id)
            switch try await context.application.write({ db in try await change(id, db) }) {
            case true?: context.console.print("\(done) \(id.uuidString)")
            case false?: throw CommandFailure("job \(id.uuidString) \(refused)")
            case nil: throw CommandFailure("no job has the id \(id.uuidString)")
            }
        }
    }

    static let retry = Steer(
        help: "Run a dead, cancelled or waiting job again now, its attempts counted afresh.", done: "queued",
        refused: "is running or has succeeded; nothing to retry", change: { id, db in try await JobQueue.retry(id, on: db) })

    static let cancel = Steer(
        help: "Cancel a queued job: it will not run.", done: "cancelled",
        refused: "is not queued; only a queued job can be cancelled", change: { id, db in try await JobQueue.cancel(id, on: db) })

    static func id(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw CommandFailure("'\(text)' is not a job id (a UUID)") }
        return id
    }
}
