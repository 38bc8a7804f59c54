import Diagnostics
import Fluent
import Foundation
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

    /// A value that changes whenever the organization's atoms do (count, newest change, versions), or nil when it
    /// has none. Another replica's change is seen through it too.
    static func revision(of organizationID: UUID, on db: any Database) async throws -> String? {
        let rows = try await KnowledgeAtom.query(on: db).filter(\.$organizationID == organizationID)
            .field(\.$id).field(\.$version).all()
        guard !rows.isEmpty else { return nil }
        let versions = rows.map { "\($0.id?.uuidString ?? ""):\($0.version)" }.sorted().joined(separator: ",")
        return "\(rows.count)|\(versions.hashValue)"
    }

    /// Feedback turned into a bounded ranking boost per atom: helpful and fixed count for, not helpful against.
    static func boosts(for organizationID: UUID, on db: any Database) async throws -> [String: Double] {
        let rows = try await DiagnosisFeedback.query(on: db).filter(\.$organizationID == organizationID)
            .field(\.$atomID).field(\.$outcome).all()
        var net: [String: Double] = [:]
        for row in rows {
            switch row.outcome {
            case .fixed: net[row.atomID, default: 0] += 2
            case .helpful: net[row.atomID, default: 0] += 1
            case .notHelpful: net[row.atomID, default: 0] -= 1
            }
        }
        // tanh keeps the boost within ±1 however much feedback piles up; five net votes give about 0.76.
        return net.mapValues { tanh($0 / 5) }
    }
}

extension Application {
    private struct KnowledgeServiceKey: StorageKey { typealias Value = KnowledgeService }

    var knowledge: KnowledgeService {
        get {
            if let service = storage[KnowledgeServiceKey.self] { return service }
            let service = KnowledgeService()
            storage[KnowledgeServiceKey.self] = service
            return service
        }
        set { storage[KnowledgeServiceKey.self] = newValue }
    }
}

extension KnowledgeService {
    /// Whether `text` names a manufacturer of the built-in knowledge base (any alias counts).
    static func knowsManufacturer(_ text: String) -> Bool {
        guard case .success(let loaded) = builtIn else { return true }
        let squashed = TextNormalizer.squash(text)
        return loaded.base.manufacturers.contains { manufacturer in
            TextNormalizer.squash(manufacturer.name) == squashed || manufacturer.aliases.contains { TextNormalizer.squash($0) == squashed }
        }
    }

    /// Whether `text` names a product family of the built-in knowledge base, by id or alias.
    static func knowsFamily(_ text: String) -> Bool {
        guard case .success(let loaded) = builtIn else { return true }
        return loaded.diagnoser.index.resolveFamilyName(text) != nil
    }
}
