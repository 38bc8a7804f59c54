import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A claim on a SQLite data folder: an exclusive `flock` on its `server.lock`, held by `serve` while it runs and
/// by `restore` while it replaces the database, so that neither runs under the other. The kernel drops the lock
/// when its process ends, however it ends, so a crashed server leaves nothing to clean up. The file holds the
/// holder's process id, for the message the loser prints.
final class DataDirectoryLock: Sendable {
    static let fileName = "server.lock"

    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Why the folder could not be claimed.
    struct Taken: Error, CustomStringConvertible {
        var directory: String
        /// The holder's process id, when it wrote one.
        var processID: Int32?

        var description: String {
            let holder = processID.map { "a Millwright server (process \($0))" } ?? "another Millwright process"
            return "\(holder) is using the data folder \(directory)"
        }
    }

    /// Claims `directory`, or throws ``Taken`` at once when another process holds it.
    static func claim(_ directory: String) throws -> DataDirectoryLock {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure("Cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = try? String(contentsOfFile: path, encoding: .utf8)
            close(descriptor)
            throw Taken(directory: directory, processID: holder.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DataDirectoryLock(path: path, descriptor: descriptor)
    }
}
