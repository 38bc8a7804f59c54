import Foundation

/// One evaluation case: a query and what a right answer is.
public struct EvaluationCase: Codable, Sendable {
    public var query: String
    /// The manufacturer of the right atom; nil with `code` nil (and no `atomId`) for a query that must be refused.
    public var manufacturer: String?
    public var code: String?
    /// For knowledge without a code (Klipper messages, procedures): the right atom.
    public var atomId: String?

    public init(query: String, manufacturer: String?, code: String?, atomId: String? = nil) {
        self.query = query
        self.manufacturer = manufacturer
        self.code = code
        self.atomId = atomId
    }

    public var mustRefuse: Bool { manufacturer == nil && code == nil && atomId == nil }

    /// Whether `candidate` is a right answer to this case.
    public func accepts(_ candidate: Diagnosis.Candidate) -> Bool {
        if let atomId { return candidate.atomId == atomId }
        guard let code else { return false }
        if let manufacturer, candidate.manufacturer != manufacturer { return false }
        let key = FaultCode.key(code)
        return candidate.faultCodes.contains { FaultCode.key($0) == key }
    }
}

/// One case's outcome, as `kb eval --output` writes it.
public struct EvaluationResult: Codable, Sendable {
    public struct Expected: Codable, Sendable {
        public var manufacturer: String?
        public var code: String?
        public var atomId: String?
        public var refuse: Bool
    }

    public struct Listed: Codable, Sendable {
        public var atomId: String
        public var manufacturer: String
        public var family: String
        public var faultCodes: [String]
        public var confidence: Double
    }

    public var query: String
    public var expected: Expected
    public var confident: Bool
    /// 1-based rank of the first right candidate, nil when none of the five is right.
    public var rank: Int?
    public var correct: Bool
    public var milliseconds: Double
    public var candidates: [Listed]
}

/// The figures the evaluation reports.
public struct EvaluationSummary: Codable, Sendable {
    public var cases: Int
    public var answerable: Int
    public var mustRefuse: Int
    /// Share of answerable cases whose first candidate is right and the answer confident.
    public var top1: Double
    /// Share of answerable cases with a right candidate among the first three and the answer confident.
    public var top3: Double
    /// Share of answerable cases with a right first candidate, confident or not.
    public var top1IgnoringConfidence: Double
    /// Share of must-refuse cases answered without confidence.
    public var refused: Double
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
}

public enum Evaluator {
    public struct CaseError: Error, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Reads JSON-lines cases; blank lines are skipped.
    public static func cases(jsonLines text: String) throws -> [EvaluationCase] {
        var cases: [EvaluationCase] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            do {
                let decoded = try JSONDecoder().decode(EvaluationCase.self, from: Data(trimmed.utf8))
                guard !decoded.query.isEmpty else { throw CaseError(line: number + 1, reason: "query is empty") }
                cases.append(decoded)
            } catch let error as CaseError {
                throw error
            } catch {
                throw CaseError(line: number + 1, reason: "not a case: \(KnowledgeBase.describe(error))")
            }
        }
        return cases
    }

    /// Runs every case through `diagnoser` and measures each query's time.
    public static func run(_ cases: [EvaluationCase], diagnoser: Diagnoser) -> (EvaluationSummary, [EvaluationResult]) {
        var results: [EvaluationResult] = []
        let clock = ContinuousClock()
        for item in cases {
            let start = clock.now
            let answer = diagnoser.diagnose(DiagnosisQuery(text: item.query), limit: 5)
            let elapsed = clock.now - start
            let rank = answer.candidates.firstIndex(where: item.accepts).map { $0 + 1 }
            let correct = item.mustRefuse ? !answer.confident : (answer.confident && rank == 1)
            results.append(
                EvaluationResult(
                    query: item.query,
                    expected: .init(manufacturer: item.manufacturer, code: item.code, atomId: item.atomId, refuse: item.mustRefuse),
                    confident: answer.confident, rank: rank, correct: correct,
                    milliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000,
                    candidates: answer.candidates.map {
                        .init(
                            atomId: $0.atomId, manufacturer: $0.manufacturer, family: $0.family, faultCodes: $0.faultCodes,
                            confidence: $0.confidence)
                    }))
        }
        return (summarize(cases, results), results)
    }

    static func summarize(_ cases: [EvaluationCase], _ results: [EvaluationResult]) -> EvaluationSummary {
        let answerable = results.filter { !$0.expected.refuse }
        let refusals = results.filter(\.expected.refuse)
        func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
        let times = results.map(\.milliseconds).sorted()
        func percentile(_ p: Double) -> Double {
            guard !times.isEmpty else { return 0 }
            let position = Int((p * Double(times.count - 1)).rounded(.up))
            return times[min(times.count - 1, position)]
        }
        return EvaluationSummary(
            cases: results.count, answerable: answerable.count, mustRefuse: refusals.count,
            top1: share(answerable.filter { $0.confident && $0.rank == 1 }.count, answerable.count),
            top3: share(answerable.filter { $0.confident && ($0.rank ?? 99) <= 3 }.count, answerable.count),
            top1IgnoringConfidence: share(answerable.filter { $0.rank == 1 }.count, answerable.count),
            refused: share(refusals.filter { !$0.confident }.count, refusals.count),
            p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99))
    }
}
