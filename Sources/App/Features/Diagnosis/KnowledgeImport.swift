import Diagnostics
import Fluent
import Foundation
import Vapor

/// Reads the atoms of an import: JSON (`{atoms: [...]}`, or a bare array) or CSV with the list export's
/// columns (lists separated by `; `, `safety` and `source` as JSON cells).
enum KnowledgeImport {
    /// The most atoms one import takes.
    static let maxAtoms = 2000

    static func read(_ request: Request) throws -> [KnowledgeAtomInput] {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest("Send the atoms to import.", [FieldProblem(field: "body", message: "is required")])
        }
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        let type = request.headers.contentType
        if type?.subType == "csv" {
            return try fromCSV(text)
        }
        guard JSONBody.isJSON(type) else {
            throw AppError.unsupportedMediaType("Send application/json ({\"atoms\": [...]}) or text/csv.")
        }
        return try fromJSON(Data(buffer: buffer))
    }

    struct Summary: Content {
        var created: Int
        var updated: Int
        var atoms: [KnowledgeAtom.DTO]
    }

    /// Checks every input and, when all are good, adds or replaces (by key) them in one transaction, audited.
    /// `write` runs the transaction: a request's or the CLI application's.
    static func apply(
        _ inputs: [KnowledgeAtomInput], principal: Principal, context: AuditContext,
        write: (@escaping @Sendable (any Database) async throws -> Summary) async throws -> Summary
    ) async throws -> Summary {
        let base = try KnowledgeService.requireBuiltIn().base
        var resolved: [(key: String, atom: Atom)] = []
        var problems: [FieldProblem] = []
        var keys: [String: Int] = [:]
        for (index, input) in inputs.enumerated() {
            let prefix = "atoms[\(index)]."
            let (key, atom, found) = input.resolve(base: base, defaultSource: KnowledgeAtomInput.defaultSource, prefix: prefix)
            problems += found
            if let other = keys[key] {
                problems.append(FieldProblem(field: prefix + "key", message: "`\(key)` is also the key of atoms[\(other)]"))
            }
            keys[key] = index
            if let atom { resolved.append((key, atom)) }
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let checked = resolved
        return try await write { db in
            let existing = try await principal.query(KnowledgeAtom.self, on: db).filter(\.$key ~~ checked.map(\.key)).all()
            let byKey = Dictionary(existing.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            var result = Summary(created: 0, updated: 0, atoms: [])
            for (key, atom) in checked {
                if let row = byKey[key] {
                    let before = row.dto
                    row.set(atom, key: key)
                    row.version += 1
                    try await row.update(on: db)
                    try await AuditLog.record(
                        "knowledge_atom.updated", entityType: KnowledgeAtom.entityType, entityID: row.id, before: before, after: row.dto,
                        organizationID: principal.organizationID, context: context, on: db)
                    result.updated += 1
                    result.atoms.append(row.dto)
                } else {
                    let row = KnowledgeAtom()
                    row.organizationID = principal.organizationID
                    row.version = 1
                    row.set(atom, key: key)
                    try await row.create(on: db)
                    try await AuditLog.record(
                        "knowledge_atom.created", entityType: KnowledgeAtom.entityType, entityID: row.id, after: row.dto,
                        organizationID: principal.organizationID, context: context, on: db)
                    result.created += 1
                    result.atoms.append(row.dto)
                }
            }
            return result
        }
    }

    static func fromJSON(_ data: Data) throws -> [KnowledgeAtomInput] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw AppError.badRequest("The body is not valid JSON.", [FieldProblem(field: "body", message: "is not valid JSON")])
        }
        let items: [JSONValue]
        switch value {
        case .array(let array): items = array
        case .object(let object):
            guard case .array(let array)? = object["atoms"] else {
                throw AppError.invalid("atoms", "must be an array of atoms")
            }
            items = array
        default:
            throw AppError.invalid("atoms", "must be an array of atoms")
        }
        try checkCount(items.count)
        var problems: [FieldProblem] = []
        var inputs: [KnowledgeAtomInput] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                problems.append(FieldProblem(field: "atoms[\(index)]", message: "must be an object"))
                continue
            }
            var body = JSONBody(values: object)
            inputs.append(KnowledgeAtomInput(body: &body))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        return inputs
    }

    static let listColumns: Set<String> = ["models", "faultCodes", "symptoms", "causes", "actions", "keywords"]
    static let objectColumns: Set<String> = ["safety", "source"]

    static func fromCSV(_ text: String) throws -> [KnowledgeAtomInput] {
        let rows = CSVReader.rows(text)
        guard let header = rows.first else { throw AppError.invalid("body", "the CSV has no header row") }
        let records = rows.dropFirst().filter { !$0.allSatisfy(\.isEmpty) }
        try checkCount(records.count)
        var inputs: [KnowledgeAtomInput] = []
        for record in records {
            var values: [String: JSONValue] = [:]
            for (column, cell) in zip(header, record) where !cell.isEmpty {
                // Cells the export protected from spreadsheets' formula evaluation come back without the apostrophe.
                let cell = cell.hasPrefix("'") && "=+-@".contains(cell.dropFirst().first ?? " ") ? String(cell.dropFirst()) : cell
                if listColumns.contains(column) {
                    values[column] = .array(cell.components(separatedBy: "; ").map { .string($0) })
                } else if objectColumns.contains(column) {
                    values[column] = (try? JSONDecoder().decode(JSONValue.self, from: Data(cell.utf8))) ?? .string(cell)
                } else {
                    values[column] = .string(cell)
                }
            }
            var body = JSONBody(values: values)
            inputs.append(KnowledgeAtomInput(body: &body))
        }
        return inputs
    }

    private static func checkCount(_ count: Int) throws {
        if count == 0 { throw AppError.invalid("atoms", "must hold at least one atom") }
        if count > maxAtoms { throw AppError.invalid("atoms", "holds \(count) atoms; one import takes at most \(maxAtoms)") }
    }
}

/// RFC 4180 CSV, read: quoted cells with doubled quotes, commas and line breaks inside quotes.
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        cell.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
                continue
            }
            switch character {
            case "\"" where cell.isEmpty: quoted = true
            case ",":
                row.append(cell)
                cell = ""
            case "\r\n", "\n", "\r":
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            default: cell.append(character)
            }
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}
