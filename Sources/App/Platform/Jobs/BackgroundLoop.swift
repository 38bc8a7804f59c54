import NIOConcurrencyHelpers
import Vapor

/// A loop a lifecycle service runs while the app runs: started once booted, cancelled and awaited on shutdown.
final class BackgroundLoop: Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Starts `body` as the running task (replacing none: call once).
    func start(_ body: @escaping @Sendable () async -> Void) {
        task.withLockedValue { $0 = Task { await body() } }
    }

    /// Cancels the task and waits for it to end.
    func stop() async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}
