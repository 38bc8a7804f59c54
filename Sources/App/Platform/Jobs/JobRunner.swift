import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs queued jobs while the server runs: claims up to `concurrency` due jobs of the kinds registered
/// (``JobRegistry``), runs them side by side, records each outcome, and looks again after `pollInterval` when
/// there was nothing to do. A job holds a lease while it runs; a runner that dies leaves its jobs to be claimed
/// again when their leases expire. Stopping (SIGTERM) claims nothing more, lets the jobs in flight finish for up
/// to `grace`, then gives the rest back to the queue.
final class JobRunner: LifecycleHandler, Sendable {
    struct Settings: Sendable {
        var concurrency = 4
        var pollInterval: Duration = .seconds(1)
        /// How long a claimed job is the runner's; a run that takes longer may be claimed by another runner.
        var lease: TimeInterval = 300
        /// How long stopping waits for the jobs in flight.
        var grace: Duration = .seconds(10)
        /// The first retry's wait, doubled each attempt up to `backoffCap`.
        var backoffBase: TimeInterval = 5
        var backoffCap: TimeInterval = 3600
    }

    let settings: Settings
    /// This runner's name in `jobs.locked_by`: host, process and a random part.
    let worker: String
    private let state = NIOLockedValueBox<(task: Task<Void, Never>?, stopping: Bool)>((nil, false))

    init(settings: Settings = Settings()) {
        self.settings = settings
        worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    func didBootAsync(_ application: Application) async throws {
        let task = Task { await self.loop(application) }
        state.withLockedValue { $0.task = task }
    }

    func shutdownAsync(_ application: Application) async {
        let task = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopping = true
            return state.task
        }
        guard let task else { return }
        // The loop ends after the batch in flight; past the grace, the batch is cancelled and its jobs given back.
        let grace = settings.grace
        let timer = Task {
            try? await Task.sleep(for: grace)
            if !Task.isCancelled { task.cancel() }
        }
        await task.value
        timer.cancel()
    }

    private var isStopping: Bool { state.withLockedValue { $0.stopping } }

    private func loop(_ app: Application) async {
        while !isStopping && !Task.isCancelled {
            var ran = 0
            do {
                ran = try await runOnce(app)
            } catch {
                app.logger.error("Job runner: \(error)")
            }
            if ran == 0 { try? await Task.sleep(for: settings.pollInterval) }
        }
    }

    /// Claims one batch and runs it to its end; returns how many jobs it ran. Tests call it to run what is due.
    @discardableResult
    func runOnce(_ app: Application) async throws -> Int {
        let registry = app.jobKinds
        let jobs = try await JobQueue.claim(
            kinds: registry.kinds, limit: settings.concurrency, worker: worker, lease: settings.lease, app: app)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await self.run(job, handler: registry.handlers[job.kind], app: app) }
            }
        }
        return jobs.count
    }

    private func run(_ job: JobRecord, handler: JobRegistry.Handler?, app: Application) async {
        let started = ContinuousClock.now
        do {
            guard let handler else { throw JobFailure("no runner knows the job kind \(job.kind)") }
            try await handler(job, app)
            try await JobQueue.succeeded(job, worker: worker, app: app)
            app.logger.info("Job \(job.kind) \(job.id) done in \(ContinuousClock.now - started)")
        } catch  where Task.isCancelled {
            // Given back from a task of its own: this one is cancelled, and the write must not be.
            let worker = worker
            await Task { _ = try? await JobQueue.release(job, worker: worker, app: app) }.value
            app.logger.notice("Job \(job.kind) \(job.id) given back unfinished: the runner is stopping")
        } catch {
            let backoff = JobQueue.backoff(afterAttempt: job.attempts, base: settings.backoffBase, cap: settings.backoffCap)
            _ = try? await JobQueue.failed(job, error: "\(error)", backoff: backoff, worker: worker, app: app)
            app.logger.warning("Job \(job.kind) \(job.id) attempt \(job.attempts) of \(job.maxAttempts) failed: \(error)")
        }
    }
}

/// Why a job failed, as its `last_error` says.
struct JobFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
