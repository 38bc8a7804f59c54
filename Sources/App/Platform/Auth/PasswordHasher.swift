import Vapor

/// bcrypt hashing, off the event loop.
struct PasswordHasher: Sendable {
    var cost: Int
    var threadPool: NIOThreadPool
    /// A hash of a random password at the same cost, verified against when an e-mail is unknown so that the time
    /// taken does not reveal which e-mails have accounts.
    private var decoy: String

    init(cost: Int, threadPool: NIOThreadPool) throws {
        self.cost = cost
        self.threadPool = threadPool
        self.decoy = try Bcrypt.hash(Secrets.randomToken(length: 24), cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let created = hash ?? decoy
        let matches = try await threadPool.runIfActive { (try? Bcrypt.verify(password, created: created)) ?? false }
        return hash != nil && matches
    }

    /// The rules a chosen password must meet, as field problems.
    static func problems(_ password: String, field: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if password.count < 10 { problems.append(FieldProblem(field: field, message: "must be at least 10 characters")) }
        if password.utf8.count > 72 {
            // bcrypt reads only the first 72 bytes; a longer password would silently be cut.
            problems.append(FieldProblem(field: field, message: "must be at most 72 bytes"))
        }
        return problems
    }
}
