import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import App

/// Job kinds for the tests: each run is recorded under its payload's key (tests run side by side, each with its
/// own keys), and the payload says whether to fail or how long to take.
enum TestJob: JobKind {
    struct Payload: Codable, Sendable {
        var key: String
        var fail = false
        var seconds = 0.0
    }

    static let name = "test.record"
    static let maxAttempts = 3
    static let runs = NIOLockedValueBox<[String: Int]>([:])

    static func run(_ payload: Payload, job: JobRecord, app: Application) async throws {
        runs.withLockedValue { $0[payload.key, default: 0] += 1 }
        if payload.seconds > 0 { try await Task.sleep(for: .seconds(payload.seconds)) }
        if payload.fail { throw JobFailure("asked to fail (\(payload.key))") }
    }

    static func count(_ key: String) -> Int { runs.withLockedValue { $0[key] ?? 0 } }
}

@Suite("Background jobs")
struct JobTests {
    static func app(_ app: Application) -> Application {
        app.jobKinds.register(TestJob.self)
        return app
    }

    static func enqueue(_ payload: TestJob.Payload, on app: Application) async throws -> UUID {
        try await app.write { db in try await JobQueue.enqueue(TestJob.self, payload, on: db) }
    }

    static func job(_ id: UUID, _ app: Application) async throws -> JobRecord { try #require(try await JobRecord.find(id: id, on: app.db)) }

    @Test func aQueuedJobRunsOnceAndSucceeds() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let key = UUID().uuidString
            // Enqueued with the change that asks for it: a rolled-back transaction leaves no job.
            _ = try? await app.write { db -> Int in
                try await JobQueue.enqueue(TestJob.self, .init(key: key + "-rolled-back"), on: db)
                throw JobFailure("roll back")
            }
            let id = try await Self.enqueue(.init(key: key), on: app)
            let runner = JobRunner()
            #expect(try await runner.runOnce(app) == 1)
            #expect(try await runner.runOnce(app) == 0)
            #expect(TestJob.count(key) == 1 && TestJob.count(key + "-rolled-back") == 0)
            let job = try await Self.job(id, app)
            #expect(job.state == .succeeded && job.attempts == 1 && job.finishedAt != nil && job.lockedBy == nil)
        }
    }

    @Test func aFailingJobWaitsItsBackOffBetweenAttemptsThenIsDead() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let key = UUID().uuidString
            let id = try await Self.enqueue(.init(key: key, fail: true), on: app)
            var settings = JobRunner.Settings()
            (settings.backoffBase, settings.backoffCap) = (60, 3600)
            let runner = JobRunner(settings: settings)
            for attempt in 1...3 {
                #expect(try await runner.runOnce(app) == 1, "attempt \(attempt)")
                let job = try await Self.job(id, app)
                #expect(job.attempts == attempt && job.lastError?.contains("asked to fail") == true)
                if attempt == 3 {
                    #expect(job.state == .dead && job.finishedAt != nil && job.lockedBy == nil)
                    break
                }
                // A minute after the first failure, two after the second, give or take a fifth; not due before.
                let wait = job.runAt.timeIntervalSince(job.updatedAt)
                let expected = 60 * pow(2, Double(attempt - 1))
                #expect(job.state == .queued && wait >= expected * 0.8 - 1 && wait <= expected * 1.2 + 1, "waits \(wait) s")
                #expect(try await runner.runOnce(app) == 0)
                // The wait passes.
                try await app.write { db in
                    try await db.sql.raw(#"UPDATE "jobs" SET "run_at" = \#(bind: Date()) WHERE "id" = \#(bind: id)"#).run()
                }
            }
            #expect(try await runner.runOnce(app) == 0)
            #expect(TestJob.count(key) == 3)
        }
    }

    @Test func aJobWhoseLeaseExpiredIsTakenAgainAndItsFormerRunnerCannotRecordIt() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let id = try await Self.enqueue(.init(key: UUID().uuidString), on: app)
            // A runner that claimed it and died: its lease is already over.
            let lost = try await JobQueue.claim(kinds: [TestJob.name], limit: 5, worker: "gone", lease: -1, app: app)
            #expect(lost.map(\.id) == [id])
            #expect(try await JobRunner().runOnce(app) == 1)
            let job = try await Self.job(id, app)
            #expect(job.state == .succeeded && job.attempts == 2)
            #expect(try await JobQueue.succeeded(lost[0], worker: "gone", app: app) == false)
        }
    }

    @Test func twoRunnersNeverTakeTheSameJob() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let keys = (0..<40).map { _ in UUID().uuidString }
            for key in keys { _ = try await Self.enqueue(.init(key: key, seconds: 0.01), on: app) }
            var settings = JobRunner.Settings()
            settings.concurrency = 3
            let runners = [JobRunner(settings: settings), JobRunner(settings: settings)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for runner in runners {
                    group.addTask { while try await runner.runOnce(app) > 0 {} }
                }
                try await group.waitForAll()
            }
            #expect(keys.map(TestJob.count) == Array(repeating: 1, count: keys.count))
            #expect(try await JobQueue.list(state: .succeeded, on: app.db).count == keys.count)
        }
    }

    @Test func stoppingGivesAJobInFlightBackToTheQueue() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let id = try await Self.enqueue(.init(key: UUID().uuidString, seconds: 30), on: app)
            var settings = JobRunner.Settings()
            (settings.grace, settings.pollInterval) = (.milliseconds(200), .milliseconds(20))
            let runner = JobRunner(settings: settings)
            try await runner.didBootAsync(app)
            for _ in 0..<250 {
                if try await Self.job(id, app).state == .running { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await Self.job(id, app).state == .running)
            let stopping = ContinuousClock.now
            await runner.shutdownAsync(app)
            #expect(ContinuousClock.now - stopping < .seconds(5))
            let job = try await Self.job(id, app)
            #expect(job.state == .queued && job.attempts == 0 && job.lockedBy == nil)
        }
    }

    @Test func theCommandListsRetriesAndCancels() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let dead = try await Self.enqueue(.init(key: UUID().uuidString, fail: true), on: app)
            var settings = JobRunner.Settings()
            settings.backoffBase = 0
            let runner = JobRunner(settings: settings)
            while try await runner.runOnce(app) > 0 {}
            #expect(try await Self.job(dead, app).state == .dead)
            let waiting = try await app.write { db in
                try await JobQueue.enqueue(TestJob.self, .init(key: UUID().uuidString), runAt: Date().addingTimeInterval(3600), on: db)
            }

            let listed = try await app.output(ofCommand: ["jobs", "list", "--state", "dead"])
            #expect(listed.contains(dead.uuidString) && listed.contains("test.record  dead  3/3") && !listed.contains(waiting.uuidString))
            #expect(try await app.output(ofCommand: ["jobs", "retry", dead.uuidString]).contains("queued"))
            let retried = try await Self.job(dead, app)
            #expect(retried.state == .queued && retried.attempts == 0)
            #expect(try await app.output(ofCommand: ["jobs", "cancel", waiting.uuidString]).contains("cancelled"))
            #expect(try await Self.job(waiting, app).state == .cancelled)

            await #expect(throws: CommandFailure.self) { try await app.run(command: ["jobs", "cancel", waiting.uuidString]) }
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["jobs", "retry", UUID().uuidString]) }
            await #expect(throws: CommandFailure.self) { try await app.run(command: ["jobs", "list", "--state", "asleep"]) }
        }
    }

    @Test func anAdminSeesTheirOrganizationsJobsAndRetriesADeadOneAudited() async throws {
        try await withTestApp { app in
            let app = Self.app(app)
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            let (ours, theirs) = try await app.write { db in
                (
                    try await JobQueue.enqueue(
                        TestJob.self, .init(key: UUID().uuidString, fail: true), organizationID: tenant.organizationID, on: db),
                    try await JobQueue.enqueue(TestJob.self, .init(key: UUID().uuidString), organizationID: other.organizationID, on: db)
                )
            }
            var settings = JobRunner.Settings()
            settings.backoffBase = 0
            let runner = JobRunner(settings: settings)
            while try await runner.runOnce(app) > 0 {}

            var admin = try await WebBrowser.member(app, of: tenant, role: .admin)
            let page = try await admin.get("/admin/jobs?state=dead")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("id=\"job-\(ours.uuidString)\"") && html.contains("asked to fail"))
            #expect(!html.contains(theirs.uuidString))
            let retried = try await admin.post("/admin/jobs/\(ours.uuidString)/retry", [:])
            #expect(retried.status == .seeOther)
            #expect(try await Self.job(ours, app).state == .queued)
            let trail = try await app.send(.GET, "/api/v1/audit-events?action=job.retried", token: tenant.token).json()
            #expect(try trail["items"][0]["entityId"].string() == ours.uuidString)
            // Another organization's job is not there to steer.
            let foreign = try await admin.post("/admin/jobs/\(theirs.uuidString)/cancel", [:])
            #expect(foreign.status == .notFound)
            // A technician may not see the page at all.
            var technician = try await WebBrowser.member(app, of: tenant, role: .technician)
            #expect(try await technician.get("/admin/jobs").status == .forbidden)
        }
    }
}

@Suite("Singletons")
struct SingletonTests {
    @Test func aSecondRunWhileOneIsGoingOnIsSkippedAndTheNextOneRuns() async throws {
        try await withTestApp { app in
            let name = "test.\(UUID().uuidString)"
            let (started, starting) = AsyncStream<Void>.makeStream()
            let (release, releasing) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await Singleton.run(name, app: app) {
                    starting.yield()
                    for await _ in release { break }
                }
            }
            for await _ in started { break }
            let second = try await Singleton.run(name, app: app) {}
            #expect(second == false)
            releasing.yield()
            #expect(try await first.value == true)
            let third = try await Singleton.run(name, app: app) {}
            #expect(third == true)
        }
    }

    @Test func onPostgreSQLAnotherReplicasHoldSkipsTheRun() async throws {
        guard TestDatabase.isPostgres else { return }
        try await withTestApp { app in
            let name = "test.\(UUID().uuidString)"
            let key = Singleton.lockKey(name)
            // Another replica: its own connection holds the lock.
            try await app.db.withConnection { replica in
                let sql = try replica.sql
                let taken = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS taken").first()
                #expect(try taken?.decode(column: "taken", as: Bool.self) == true)
                let held = try await Singleton.run(name, app: app) {}
                #expect(held == false)
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
            }
            let free = try await Singleton.run(name, app: app) {}
            #expect(free == true)
        }
    }
}
