import Fluent
import Vapor

extension Application {
    /// The organization named by `--org`: its id, or its exact name when that is unique.
    func organization(named reference: String?) async throws -> Organization {
        guard let reference, !reference.isEmpty else { throw CommandFailure("--org is required (an organization id or name)") }
        if let id = UUID(uuidString: reference), let found = try await Organization.find(id, on: db) {
            return found
        }
        let matches = try await Organization.query(on: db).filter(\.$name == reference).all()
        switch matches.count {
        case 1: return matches[0]
        case 0: throw CommandFailure("no organization has the id or name '\(reference)'")
        default: throw CommandFailure("\(matches.count) organizations are named '\(reference)'; give the id instead")
        }
    }
}

/// A command's failure: printed as is, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Turns an ``AppError`` from shared code into a sentence for the terminal.
func commandMessage(_ error: any Error) -> String {
    if case AppError.validation(let problems) = error {
        return problems.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
    }
    if let error = error as? AppError, let detail = error.problem(requestId: nil).0.detail { return detail }
    return String(describing: error)
}
