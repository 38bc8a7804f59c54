import Diagnostics
import Fluent
import Foundation
import SQLKit
import Vapor

/// The built-in knowledge base and each organization's own atoms, ready to search.
///
/// The built-in base is read and indexed once per process, on first use. An organization with atoms of its own
/// gets its own index (built-in + own atoms, so both rank on one scale), rebuilt when its atoms change.
actor KnowledgeService {
    /// The built-in knowledge base, loaded once per process.
    static let builtIn: Result<(base: KnowledgeBase, diagnoser: Diagnoser, issues: [KnowledgeIssue]), any Error> = Result {
        let (base, issues) = try KnowledgeBase.builtIn()
        return (base, Diagnoser(index: SearchIndex(base: base)), issues)
    }

    /// The built-in base, or a 503 naming what is wrong with the installation.
    static func requireBuiltIn() throws -> (base: KnowledgeBase, diagnoser: Diagnoser) {
        switch builtIn {
        case .success(let loaded): return (loaded.base, loaded.diagnoser)
        case .failure(let error):
            throw AppError.serviceUnavailable(
                "The knowledge base could not be loaded: \(error). Reinstall Millwright with its resource bundles.")
        }
    }

    /// Loads and indexes the built-in knowledge base off the request path (about a second in a debug build), so
    /// that the first technician to ask does not wait for it, and logs what it holds and any atom left out.
    static func warmUp(logger: Logger) {
        switch builtIn {
        case .success(let loaded):
            logger.info("Knowledge base loaded: \(loaded.base.atoms.count) atoms in \(loaded.base.families.count) families")
            for issue in loaded.issues.prefix(20) { logger.warning("Knowledge base: \(issue)") }
        case .failure(let error):
            logger.error("The knowledge base could not be loaded: \(error); diagnoses will answer 503")
        }
    }

    private struct Entry {
        var revision: String
        var diagnoser: Diagnoser
    }

    private var organizations: [UUID: Entry] = [:]
    /// How many organizations' own indexes are kept; past it the least recently built is dropped.
    private let capacity = 32
    private var order: [UUID] = []

    /// The diagnoser for `organizationID`: the shared built-in one when it has no atoms of its own.
    func diagnoser(for organizationID: UUID, on db: any Database) async throws -> Diagnoser {
        let builtIn = try Self.requireBuiltIn()
        let revision = try await Self.revision(of: organizationID, on: db)
        guard let revision else { return builtIn.diagnoser }
        if let entry = organizations[organizationID], entry.revision == revision { return entry.diagnoser }
        let atoms = try await KnowledgeAtom.query(on: db).filter(\.$organizationID == organizationID).all().map(\.atom)
        let diagnoser = Diagnoser(index: SearchIndex(base: builtIn.base, extraAtoms: atoms))
        organizations[organizationID] = Entry(revision: revision, diagnoser: diagnoser)
        order.removeAll { $0 == organizationID }
        order.append(organizationID)
        if order.count > capacity { organizations[order.removeFirst()] = nil }
        return diagnoser
    }

    /// Forgets an organization's index after its atoms changed in this process.
    func invalidate(_ organizationID: UUID) {
        organizations[organizationID] = nil
    }

    /// A value that changes whenever the organization's atoms do, or nil when it has none: their count (a
    /// deletion) and the newest change (an edit or an addition sets it). Another replica's change is seen through
    /// it too.
    static func revision(of organizationID: UUID, on db: any Database) async throws -> String? {
        let atoms = KnowledgeAtom.query(on: db).filter(\.$organizationID == organizationID)
        let count = try await atoms.copy().count()
        guard count > 0 else { return nil }
        let newest = try await atoms.copy().max(\.$updatedAt)
        return "\(count)|\(newest?.timeIntervalSince1970 ?? 0)"
    }

    /// Feedback on atoms within the organization, per atom (or for one atom), counted by the database.
    static func feedback(for organizationID: UUID, atomID: String? = nil, on db: any Database) async throws -> [String: FeedbackCounts] {
        let sql = try db.sql
        var query = sql.select().column("atom_id").column("outcome").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "total")
            .from(DiagnosisFeedback.schema).where("organization_id", .equal, organizationID)
        if let atomID { query = query.where("atom_id", .equal, atomID) }
        struct Row: Decodable {
            var atom_id: String
            var outcome: String
            var total: Int
        }
        var counts: [String: FeedbackCounts] = [:]
        for row in try await query.groupBy("atom_id").groupBy("outcome").all(decoding: Row.self) {
            switch DiagnosisFeedback.Outcome(rawValue: row.outcome) {
            case .helpful?: counts[row.atom_id, default: .init()].helpful += row.total
            case .notHelpful?: counts[row.atom_id, default: .init()].notHelpful += row.total
            case .fixed?: counts[row.atom_id, default: .init()].fixed += row.total
            case nil: continue
            }
        }
        return counts
    }

    /// Feedback turned into a bounded ranking boost per atom.
    static func boosts(for organizationID: UUID, on db: any Database) async throws -> [String: Double] {
        try await feedback(for: organizationID, on: db).mapValues(\.boost)
    }
}

/// What technicians said about one atom's answers.
struct FeedbackCounts: Content, Equatable {
    var helpful = 0
    var notHelpful = 0
    var fixed = 0

    /// Helpful and fixed count for (fixed twice), not helpful against; tanh keeps the boost within ±1 however
    /// much feedback piles up (five net votes give about 0.76).
    var boost: Double { tanh(Double(2 * fixed + helpful - notHelpful) / 5) }
}
