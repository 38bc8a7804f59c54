import Foundation

/// Ranks atoms for a query: an exact code in the family the query is about first, then text relevance (BM25)
/// with manufacturer and family as boosts, and says honestly when nothing clears the bar.
public struct Diagnoser: Sendable {
    public let index: SearchIndex

    /// A candidate must reach this confidence for the answer to be `confident`.
    public static let confidenceBar = 0.5
    /// BM25 parameters, the usual values for short documents.
    static let k1 = 1.2
    static let b = 0.75
    /// The manufacturer of vendor-neutral atoms (procedures such as isolating an overcurrent trip).
    public static let generalManufacturer = "General"

    public init(index: SearchIndex) {
        self.index = index
    }

    /// - Parameters:
    ///   - limit: how many candidates to return.
    ///   - boosts: per atom id, a feedback score in -1…1 (helpful minus unhelpful, bounded); it can reorder close
    ///     candidates but never lift one over a better code match.
    public func diagnose(_ query: DiagnosisQuery, limit: Int = 5, boosts: [String: Double] = [:]) -> Diagnosis {
        let analysis = index.analyze(query)
        let text = textScores(analysis.terms)
        let inPlayFamilies = Set(analysis.families)
        let inPlayManufacturers = Set(analysis.manufacturers)
        // Nothing names a make, a model or a code: a vendor-neutral procedure answers "the vfd trips on overcurrent"
        // better than one maker's fault that happens to share the words, so it gets half a point.
        let generic = inPlayFamilies.isEmpty && inPlayManufacturers.isEmpty && analysis.foreignBrand == nil && analysis.codes.isEmpty

        var codeHits: [Int: (folded: Bool, code: String)] = [:]
        for candidate in analysis.codes {
            for hit in candidate.hits where codeHits[hit.atom].map({ $0.folded && !hit.folded }) ?? true {
                codeHits[hit.atom] = (hit.folded, candidate.text)
            }
        }

        var pool = Set(codeHits.keys)
        for (atom, _) in text.scores.sorted(by: { $0.value > $1.value }).prefix(50) { pool.insert(atom) }

        struct Scored {
            var atom: Int
            var score: Double
            var textShare: Double
            var matchedOn: [String]
        }
        var scored: [Scored] = []
        for atomIndex in pool {
            let atom = index.atoms[atomIndex]
            var score = 0.0
            var reasons: [String] = []
            if let hit = codeHits[atomIndex] {
                score += hit.folded ? 7 : 10
                reasons.append("code \(hit.code)\(hit.folded ? " (read as \(atom.faultCodes.first ?? ""))" : "")")
            }
            if inPlayFamilies.contains(atom.family) {
                score += 3
                reasons.append("family \(atom.familyName)")
            } else if !inPlayFamilies.isEmpty {
                score -= codeHits[atomIndex] == nil ? 1 : 4
            }
            if inPlayManufacturers.contains(atom.manufacturer) {
                score += 2
            } else if !inPlayManufacturers.isEmpty {
                score -= 3
            }
            let share = text.maximum > 0 ? (text.scores[atomIndex] ?? 0) / text.maximum : 0
            if share > 0 {
                score += 4 * share
                reasons.append("text: " + (text.matchedTerms[atomIndex] ?? []).sorted().joined(separator: ", "))
            }
            if generic && atom.manufacturer == Self.generalManufacturer && share > 0 { score += 0.5 }
            score += 0.5 * max(-1, min(1, boosts[atom.id] ?? 0))
            scored.append(Scored(atom: atomIndex, score: score, textShare: share, matchedOn: reasons))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : index.atoms[$0.atom].id < index.atoms[$1.atom].id }

        var unmatched: [String] = []
        let familyNames = analysis.families.compactMap { index.families[$0]?.name }
        for code in analysis.codes {
            let inFamily = code.hits.contains { inPlayFamilies.contains(index.atoms[$0.atom].family) }
            if code.hits.isEmpty {
                let place = familyNames.isEmpty ? "the knowledge base" : familyNames.joined(separator: " or ")
                unmatched.append("no code \(code.text.uppercased()) in \(place)")
            } else if !inPlayFamilies.isEmpty && !inFamily {
                unmatched.append("code \(code.text.uppercased()) is not in \(familyNames.joined(separator: " or "))")
            }
        }
        if let brand = analysis.foreignBrand, inPlayManufacturers.isEmpty {
            unmatched.append("the knowledge base has nothing for \(brand.capitalized) equipment")
        }

        let ranked = scored.map(\.atom)
        let confidences = scored.prefix(limit).map { entry in
            confidence(
                of: entry.atom, textShare: entry.textShare, codeHit: codeHits[entry.atom], scored: ranked,
                codeHits: codeHits, analysis: analysis, text: text, unmatched: !unmatched.isEmpty)
        }
        let candidates = zip(scored.prefix(limit), confidences).map { entry, confidence in
            candidate(index.atoms[entry.atom], score: entry.score, confidence: confidence, matchedOn: entry.matchedOn)
        }
        let confident = (candidates.first?.confidence ?? 0) >= Self.confidenceBar
        if !confident && unmatched.isEmpty {
            unmatched.append(
                candidates.isEmpty ? "nothing in the knowledge base matches the query" : "no atom matches the query closely enough")
        }
        let familyID = analysis.families.first
        let ranks = Dictionary(ranked.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        return Diagnosis(
            query: query.text,
            detected: Diagnosis.Detected(
                manufacturer: analysis.manufacturers.first ?? analysis.foreignBrand?.capitalized, family: familyID,
                familyName: familyID.flatMap { index.families[$0]?.name },
                codes: SearchIndex.unique(analysis.codes.map { displayCode($0, ranks: ranks) })),
            confident: confident, unmatched: confident ? [] : unmatched, candidates: candidates)
    }

    /// A found code as the best-ranked atom carrying it writes it (`fault 4` → `F004`); an unknown one as written.
    private func displayCode(_ code: QueryAnalysis.CodeCandidate, ranks: [Int: Int]) -> String {
        guard let hit = code.hits.min(by: { (ranks[$0.atom] ?? .max) < (ranks[$1.atom] ?? .max) }) else {
            return code.text.uppercased()
        }
        let codes = index.atoms[hit.atom].faultCodes
        let written = FaultCode.foldedKey(code.text)
        return codes.first { FaultCode.foldedKey($0) == written } ?? codes.first ?? code.text.uppercased()
    }

    // MARK: - Confidence

    /// How sure we are that `atom` answers the query, from what matched and how clearly it beats the rest.
    private func confidence(
        of atom: Int, textShare: Double, codeHit: (folded: Bool, code: String)?, scored: [Int],
        codeHits: [Int: (folded: Bool, code: String)], analysis: QueryAnalysis, text: TextScores, unmatched: Bool
    ) -> Double {
        let entry = index.atoms[atom]
        let families = Set(analysis.families)
        let manufacturers = Set(analysis.manufacturers)
        if analysis.foreignBrand != nil && manufacturers.isEmpty { return 0.1 }
        if let hit = codeHit {
            let penalty = hit.folded ? 0.1 : 0
            if !families.isEmpty {
                return (families.contains(entry.family) ? 0.95 : 0.3) - penalty
            }
            if !manufacturers.isEmpty {
                return (manufacturers.contains(entry.manufacturer) ? 0.9 : 0.3) - penalty
            }
            let rivals = codeHits.keys.filter { index.atoms[$0].manufacturer != entry.manufacturer }
            if rivals.isEmpty { return 0.85 - penalty }
            let rivalText = rivals.map { text.scores[$0] ?? 0 }.max() ?? 0
            let ownText = text.scores[atom] ?? 0
            if ownText > 0 && ownText >= 1.5 * rivalText { return 0.75 - penalty }
            return 0.4 - penalty
        }
        // Text only.
        if unmatched { return min(0.3, 0.3 * textShare) }
        let coverage = text.coverage[atom] ?? 0
        let strength = text.matchedWeight[atom] ?? 0
        let matchedTerms = text.matchedTerms[atom]?.count ?? 0
        // One word in common ("it broke", "machine not working") is not evidence enough, unless the query names
        // the family and the word is a rare one.
        let named = families.contains(entry.family) || manufacturers.contains(entry.manufacturer)
        guard strength >= 2.5, matchedTerms >= 2 || (named && strength >= 4) else { return 0.3 * coverage }
        var confidence = 0.35 + 0.45 * coverage
        if !families.isEmpty && !families.contains(entry.family) { confidence -= 0.25 }
        if !manufacturers.isEmpty && !manufacturers.contains(entry.manufacturer) { confidence -= 0.25 }
        if families.contains(entry.family) || manufacturers.contains(entry.manufacturer) { confidence += 0.1 }
        // A close runner-up means the words do not single out one atom.
        if let second = scored.first(where: { $0 != atom }), let own = text.scores[atom], own > 0 {
            let ratio = (text.scores[second] ?? 0) / own
            if ratio > 0.9 { confidence -= 0.1 }
        }
        return max(0, min(0.9, confidence))
    }

    // MARK: - Text

    struct TextScores {
        var scores: [Int: Double] = [:]
        var maximum = 0.0
        /// Share of the query's IDF weight that the atom matched.
        var coverage: [Int: Double] = [:]
        /// The IDF weight the atom matched.
        var matchedWeight: [Int: Double] = [:]
        var matchedTerms: [Int: Set<String>] = [:]
    }

    func textScores(_ terms: [String]) -> TextScores {
        var result = TextScores()
        guard !terms.isEmpty else { return result }
        var totalWeight = 0.0
        for term in Set(terms) {
            let variants = expansions(of: term)
            guard !variants.isEmpty else {
                totalWeight += log(Double(index.atoms.count) + 1)
                continue
            }
            totalWeight += variants.map { index.idf($0.term) * $0.weight }.max() ?? 0
            var best: [Int: (score: Double, weight: Double)] = [:]
            for (variant, weight) in variants {
                let idf = index.idf(variant)
                for posting in index.postings[variant] ?? [] {
                    let length = index.lengths[posting.atom]
                    let frequency = posting.frequency
                    let bm25 =
                        idf * frequency * (Self.k1 + 1)
                        / (frequency + Self.k1 * (1 - Self.b + Self.b * length / index.averageLength))
                    let score = bm25 * weight
                    if score > (best[posting.atom]?.score ?? 0) { best[posting.atom] = (score, idf * weight) }
                }
            }
            for (atom, entry) in best {
                result.scores[atom, default: 0] += entry.score
                result.matchedWeight[atom, default: 0] += entry.weight
                result.matchedTerms[atom, default: []].insert(term)
            }
        }
        result.maximum = result.scores.values.max() ?? 0
        if totalWeight > 0 {
            for (atom, weight) in result.matchedWeight { result.coverage[atom] = min(1, weight / totalWeight) }
        }
        return result
    }

    /// The term itself when the index has it, else its close spellings (one edit; two for long words).
    func expansions(of term: String) -> [(term: String, weight: Double)] {
        if index.postings[term] != nil { return [(term, 1)] }
        guard term.count >= 5, term.allSatisfy(\.isLetter) else { return [] }
        let allowed = term.count >= 9 ? 2 : 1
        var found: [(String, Double)] = []
        for length in (term.count - allowed)...(term.count + allowed) {
            for candidate in index.vocabularyByLength[length] ?? [] where candidate.first == term.first || allowed > 1 {
                let distance = Self.editDistance(term, candidate, limit: allowed)
                if distance <= allowed { found.append((candidate, distance == 1 ? 0.8 : 0.6)) }
            }
        }
        return found
    }

    /// Optimal-string-alignment distance (a swap of neighbours is one edit), stopping early past `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(1, b.count) where b.count > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    private func candidate(_ atom: Atom, score: Double, confidence: Double, matchedOn: [String]) -> Diagnosis.Candidate {
        Diagnosis.Candidate(
            atomId: atom.id, type: atom.type, title: atom.title, summary: atom.summary, manufacturer: atom.manufacturer,
            family: atom.family, familyName: atom.familyName, faultCodes: atom.faultCodes,
            score: (score * 1000).rounded() / 1000, confidence: (confidence * 100).rounded() / 100, matchedOn: matchedOn,
            symptoms: atom.symptoms, causes: atom.causes, actions: atom.actions, safety: atom.safety, source: atom.source,
            lastReviewed: atom.lastReviewed)
    }
}
