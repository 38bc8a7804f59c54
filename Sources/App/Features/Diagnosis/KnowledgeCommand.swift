import Diagnostics
import Fluent
import Foundation
import Vapor

/// `millwright kb lint | eval | import | export`: check the knowledge base, measure its accuracy, and move an
/// organization's own atoms in and out.
struct KnowledgeCommand: AsyncCommandGroup {
    var help = "Check, measure, import and export the knowledge base."
    var commands: [String: any AnyAsyncCommand] = ["lint": Lint(), "eval": Eval(), "import": Import(), "export": Export()]

    struct Lint: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "dir", help: "A knowledge-base folder (default: the built-in one)")
            var dir: String?
        }

        var help = "Validate the knowledge base: schema, duplicate ids and codes, citations, dates."

        func run(using context: CommandContext, signature: Signature) async throws {
            let directory = signature.dir.map { URL(fileURLWithPath: $0) } ?? KnowledgeBase.builtInDirectory()
            let (base, issues) = try KnowledgeBase.lint(directory: directory)
            for issue in issues { context.console.print(issue.description) }
            let byFamily = Dictionary(grouping: base.atoms, by: \.family)
            for family in base.families.values.sorted(by: { $0.id < $1.id }) {
                context.console.print(String(format: "%5d  %@", byFamily[family.id]?.count ?? 0, family.id))
            }
            context.console.print("\(base.atoms.count) atoms in \(base.families.count) families, \(issues.count) problems")
            if !issues.isEmpty { throw CommandFailure("The knowledge base has \(issues.count) problems.") }
        }
    }

    struct Eval: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "cases", help: "A JSON-lines file of cases, or a folder of them (every *.jsonl)")
            var cases: String
            @Option(name: "output", help: "Write one line per case: query, expectation, confident, top five candidates")
            var output: String?
            @Flag(name: "failures", help: "Also print each case answered wrongly")
            var failures: Bool
        }

        var help = "Measure top-1/top-3 accuracy, refusals and latency on evaluation cases."

        func run(using context: CommandContext, signature: Signature) async throws {
            let cases = try Self.readCases(signature.cases)
            let diagnoser = try KnowledgeService.requireBuiltIn().diagnoser
            // One warm-up pass, so the figures are the steady state a running server has, not first-touch costs.
            _ = Evaluator.run(Array(cases.prefix(20)), diagnoser: diagnoser)
            let (summary, results) = Evaluator.run(cases, diagnoser: diagnoser)
            if let output = signature.output {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let lines = try results.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
                try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
            }
            if signature.failures {
                for result in results where !result.correct {
                    let expected =
                        result.expected.refuse
                        ? "refusal"
                        : [result.expected.manufacturer, result.expected.code, result.expected.atomId].compactMap { $0 }.joined(
                            separator: " ")
                    let got = result.candidates.first.map { "\($0.atomId) (\($0.confidence))" } ?? "nothing"
                    context.console.print(
                        "MISS \(result.query) | expected \(expected) | got \(got)\(result.confident ? "" : " not confident")")
                }
            }
            func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
            context.console.print("cases            \(summary.cases) (\(summary.answerable) answerable, \(summary.mustRefuse) must refuse)")
            context.console.print("top-1            \(percent(summary.top1))   (first candidate right and the answer confident)")
            context.console.print("top-3            \(percent(summary.top3))")
            context.console.print("top-1, any conf. \(percent(summary.top1IgnoringConfidence))")
            context.console.print("refused          \(percent(summary.refused))   (of must-refuse cases)")
            context.console.print(
                String(format: "latency          p50 %.2f ms, p99 %.2f ms", summary.p50Milliseconds, summary.p99Milliseconds))
        }

        static func readCases(_ path: String) throws -> [EvaluationCase] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure("no such file or folder: \(path)")
            }
            let files =
                isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".jsonl") }.sorted().map {
                    "\(path)/\($0)"
                }
                : [path]
            var cases: [EvaluationCase] = []
            for file in files {
                do {
                    cases += try Evaluator.cases(jsonLines: String(contentsOfFile: file, encoding: .utf8))
                } catch {
                    throw CommandFailure("\(file): \(error)")
                }
            }
            guard !cases.isEmpty else { throw CommandFailure("no cases in \(path)") }
            return cases
        }
    }

    struct Import: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "org", help: "The organization (id or name)")
            var org: String?
            @Argument(name: "file", help: "A .json ({\"atoms\": [...]}) or .csv file of atoms")
            var file: String
        }

        var help = "Add or replace (by key) an organization's own atoms from a JSON or CSV file."

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let organization = try await app.organization(named: signature.org)
            guard let data = FileManager.default.contents(atPath: signature.file) else {
                throw CommandFailure("cannot read \(signature.file)")
            }
            do {
                let inputs =
                    signature.file.lowercased().hasSuffix(".csv")
                    ? try KnowledgeImport.fromCSV(String(decoding: data, as: UTF8.self)) : try KnowledgeImport.fromJSON(data)
                let principal = Principal.system("cli", organizationID: try organization.requireID())
                let result = try await KnowledgeImport.apply(inputs, principal: principal, context: .cli("kb import", app)) { work in
                    try await app.write(work)
                }
                await app.knowledge.invalidate(try organization.requireID())
                context.console.print("\(result.created) created, \(result.updated) updated")
            } catch let error as AppError {
                throw CommandFailure(commandMessage(error))
            }
        }
    }

    struct Export: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "org", help: "The organization (id or name)")
            var org: String?
            @Option(name: "format", help: "json (default) or csv")
            var format: String?
        }

        var help = "Print an organization's own atoms as JSON or CSV, in the form import reads."

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let organization = try await app.organization(named: signature.org)
            let rows = try await KnowledgeAtom.query(on: app.db).filter(\.$organizationID == organization.requireID()).sort(\.$key).all()
            switch signature.format ?? "json" {
            case "json":
                let encoder = JSONEncoder.api
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                context.console.print(String(decoding: try encoder.encode(["atoms": rows.map(\.dto)]), as: UTF8.self))
            case "csv":
                context.console.output(CSV.render(rows.map(\.dto)), style: .plain, newLine: false)
            default:
                throw CommandFailure("--format must be json or csv")
            }
        }
    }
}
