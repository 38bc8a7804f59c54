import Fluent
import Foundation
import Maintenance
import Vapor

/// The organization's custom asset fields, checked wherever assets are written.
enum CustomFields {
    /// Checks an asset's custom values against the organization's definitions: unknown keys, wrong types and
    /// missing required fields are each a problem under `customFields.<key>`.
    static func validate(_ values: [String: JSONValue], principal: Principal, on db: any Database) async throws {
        let problems = try await problems(values, principal: principal, on: db)
        if !problems.isEmpty { throw AppError.validation(problems) }
    }

    /// The problems ``validate(_:principal:on:)`` throws, for a caller that lists them with others.
    static func problems(_ values: [String: JSONValue], principal: Principal, on db: any Database) async throws -> [FieldProblem] {
        let definitions = try await principal.query(CustomField.self, on: db).all()
        let byKey = Dictionary(uniqueKeysWithValues: definitions.map { ($0.key, $0) })
        var problems: [FieldProblem] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let definition = byKey[key] else {
                problems.append(FieldProblem(field: "customFields.\(key)", message: "is not a custom field of this organization"))
                continue
            }
            if let message = definition.problem(with: value) {
                problems.append(FieldProblem(field: "customFields.\(key)", message: message))
            }
        }
        for definition in definitions.sorted(by: { $0.key < $1.key }) where definition.required && values[definition.key] == nil {
            problems.append(FieldProblem(field: "customFields.\(definition.key)", message: "is required"))
        }
        return problems
    }
}
