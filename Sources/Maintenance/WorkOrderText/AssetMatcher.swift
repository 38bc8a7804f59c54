import Foundation

/// Finds the asset a text is about, by tag or by name. The formula and its constants are explained on
/// ``AssetMatch/score``.
enum AssetMatcher {
    /// A name match never reaches a tag match: the tag is printed on the machine, the name is how people remember it.
    static let nameCeiling = 0.95
    /// The head noun (last word of the name) says what the thing is; the other words say which one.
    static let headWeight = 2.0
    static let unmatchedWeight = 0.5
    /// "conveyor 4" is a statement that it is not Conveyor 3: strong, but not a veto, since people mistype numbers.
    static let numberConflictFactor = 0.3
    /// "chiller 2" when there is one chiller: probably still that chiller.
    static let unexpectedNumberFactor = 0.8
    /// Typos need words of at least this length: shorter words are one edit away from too many others.
    static let fuzzyMinimumLength = 4

    enum Similarity {
        static let exact = 1.0
        static let typo = 0.85
        static let synonym = 0.8
        static let abbreviation = 0.75
    }

    /// Words that carry nothing in a name: "Pump of the Week" is matched on "pump" and "week".
    static let stopwords: Set<String> = ["the", "a", "an", "of", "and", "for", "to", "in", "on", "at", "with"]
    /// Kinds that say nothing about what the thing is, so cannot stand in for its head noun.
    static let vagueKinds: Set<String> = ["other", "misc", "asset", "equipment", "unknown"]

    /// What people type for a name word: the drive on a VFD's label, the controller in a PLC cabinet.
    static let synonyms: [String: Set<String>] = {
        let groups: [Set<String>] = [["vfd", "vsd", "drive", "inverter"], ["plc", "controller"], ["fan", "blower"], ["motor", "mtr"]]
        var result: [String: Set<String>] = [:]
        for group in groups {
            for word in group { result[word] = group.subtracting([word]) }
        }
        return result
    }()

    /// One asset's match, with what is needed to rank it and to tell it apart from others.
    struct Scored: Sendable {
        var asset: AssetCandidate
        /// Position in the caller's list: the last tie-breaker.
        var order: Int
        var match: AssetMatch
        /// The text tokens the match rests on; two assets resting on the same tokens cannot be told apart.
        var evidence: Set<Int>
        /// Every word and number of the name (or the tag) is in the text.
        var isComplete: Bool
    }

    struct Outcome: Sendable, Equatable {
        var best: AssetMatch?
        var alternatives: [AssetMatch]
        var signal: String?
    }

    /// The best asset for `tokens` (read from `text`), its runners-up and a signal explaining the choice.
    static func match(_ tokens: [TextToken], in text: String, assets: [AssetCandidate], threshold: Double, floor: Double) -> Outcome {
        guard !assets.isEmpty else { return Outcome(best: nil, alternatives: [], signal: nil) }
        let ranked = assets.enumerated()
            .compactMap { order, asset in tagMatch(asset, order: order, tokens, text) ?? nameMatch(asset, order: order, tokens, text) }
            .filter { $0.match.score >= floor }
            .sorted(by: ranksBefore)
        guard let top = ranked.first else { return Outcome(best: nil, alternatives: [], signal: "asset: no name or tag found") }
        let candidates = Array(ranked.prefix(3).map(\.match))
        guard top.match.score >= threshold else {
            return Outcome(
                best: nil, alternatives: candidates,
                signal: "asset: best candidate \(top.asset.tag) (\(format(top.match.score))) is below \(format(threshold))")
        }
        let rivals = ranked.dropFirst().filter { other in
            top.match.matchedOn == .name && other.evidence == top.evidence && (!top.isComplete || other.isComplete)
        }
        guard rivals.isEmpty else {
            let tags = ([top] + rivals).map(\.asset.tag).joined(separator: ", ")
            return Outcome(best: nil, alternatives: candidates, signal: "asset: '\(top.match.matchedText)' fits \(tags) equally")
        }
        let how = top.match.matchedOn == .tag ? "tag" : "name '\(top.asset.name)' from"
        return Outcome(
            best: top.match, alternatives: Array(ranked.dropFirst().prefix(3).map(\.match)),
            signal: "asset \(top.asset.tag) (\(format(top.match.score))): \(how) '\(top.match.matchedText)'")
    }

    /// Higher score, then longer name (the more specific asset), then tag, then the caller's order.
    static func ranksBefore(_ a: Scored, _ b: Scored) -> Bool {
        if a.match.score != b.match.score { return a.match.score > b.match.score }
        if a.asset.name.count != b.asset.name.count { return a.asset.name.count > b.asset.name.count }
        if a.asset.tag != b.asset.tag { return a.asset.tag < b.asset.tag }
        return a.order < b.order
    }

    /// The tag in the text, over up to four consecutive tokens of one clause ("VFD PL 2"). Tags shorter than
    /// three characters are skipped: "C1" turns up in too much ordinary text.
    static func tagMatch(_ asset: AssetCandidate, order: Int, _ tokens: [TextToken], _ text: String) -> Scored? {
        let key = TextNormalisation.compactKey(asset.tag)
        guard key.count >= 3 else { return nil }
        for start in tokens.indices {
            var joined = ""
            for end in start..<min(start + 4, tokens.count) {
                if end > start && tokens[end].startsClause { break }
                joined += tokens[end].key
                if joined == key {
                    let evidence = Set(start...end)
                    let match = AssetMatch(assetID: asset.id, score: 1, matchedText: quote(evidence, tokens, text), matchedOn: .tag)
                    return Scored(asset: asset, order: order, match: match, evidence: evidence, isComplete: true)
                }
                if !key.hasPrefix(joined) { break }
            }
        }
        return nil
    }

    /// The name's words and numbers in the text, scored as described on ``AssetMatch/score``.
    static func nameMatch(_ asset: AssetCandidate, order: Int, _ tokens: [TextToken], _ text: String) -> Scored? {
        let (words, numbers) = nameParts(asset.name)
        guard !words.isEmpty else { return nil }
        let kind = asset.kind.flatMap { TextNormalisation.tokens(in: $0).last?.key }.flatMap { vagueKinds.contains($0) ? nil : $0 }
        let textWords = tokens.indices.filter { !tokens[$0].isNumber && !stopwords.contains(tokens[$0].key) }
        var matched = 0.0
        var unmatched = 0.0
        var evidence = Set<Int>()
        var anchors = Set<Int>()
        var allWordsFound = true
        for (index, word) in words.enumerated() {
            let isHead = index == words.count - 1
            let weight = isHead ? headWeight : 1
            var best: (similarity: Double, position: Int)?
            for position in textWords {
                var similarity = similarity(name: word, text: tokens[position].key)
                // The kind names what the head noun is: "printer" for "Prusa MK4 #2" of kind printer.
                if isHead, let kind {
                    similarity = max(similarity, Self.similarity(name: kind, text: tokens[position].key) * Similarity.synonym)
                }
                guard similarity > 0 else { continue }
                anchors.insert(position)
                if similarity > best?.similarity ?? 0 { best = (similarity, position) }
            }
            if let best { evidence.insert(best.position) } else { allWordsFound = false }
            matched += weight * (best?.similarity ?? 0)
            unmatched += weight * (1 - (best?.similarity ?? 0))
        }
        guard matched > 0 else { return nil }
        let following = anchors.sorted().compactMap { number(after: $0, in: tokens) }
        var foundNumbers = 0
        for number in numbers {
            if let found = following.first(where: { $0.key == number }) {
                matched += 1
                foundNumbers += 1
                evidence.insert(found.position)
            } else {
                unmatched += 1
            }
        }
        let numberFactor: Double
        if numbers.isEmpty {
            numberFactor = following.isEmpty ? 1 : unexpectedNumberFactor
        } else {
            numberFactor = foundNumbers == 0 && !following.isEmpty ? numberConflictFactor : 1
        }
        let score = nameCeiling * matched / (matched + unmatchedWeight * unmatched) * numberFactor
        let match = AssetMatch(assetID: asset.id, score: rounded(score), matchedText: quote(evidence, tokens, text), matchedOn: .name)
        return Scored(
            asset: asset, order: order, match: match, evidence: evidence, isComplete: allWordsFound && foundNumbers == numbers.count)
    }

    /// The words and numbers of a name, without stopwords and "no." before a number: "Prusa MK4 #2" →
    /// (["prusa", "mk4"], ["2"]).
    static func nameParts(_ name: String) -> (words: [String], numbers: [String]) {
        let tokens = TextNormalisation.tokens(in: name)
        var words: [String] = []
        var numbers: [String] = []
        for (index, token) in tokens.enumerated() {
            if token.isNumber {
                numbers.append(token.key)
            } else if stopwords.contains(token.key) {
                continue
            } else if TextNormalisation.numberMarkers.contains(token.key) && index + 1 < tokens.count && tokens[index + 1].isNumber {
                continue
            } else {
                words.append(token.key)
            }
        }
        return (words, numbers)
    }

    /// How well a word of the text stands for a word of the name, from 0 to 1. Typos and abbreviations need the
    /// same first letter and letters only, because "mk3" is not a typo of "mk4" and "dress" is not a "press".
    static func similarity(name: String, text: String) -> Double {
        if name == text { return Similarity.exact }
        // Checked first because it rules out most pairs cheaply; only a synonym may start with another letter.
        guard name.utf8.first == text.utf8.first else { return synonyms[name]?.contains(text) == true ? Similarity.synonym : 0 }
        if text.hasPrefix(name) && ["s", "es"].contains(text.dropFirst(name.count)) { return Similarity.exact }
        if synonyms[name]?.contains(text) == true { return Similarity.synonym }
        guard name.allSatisfy(\.isLetter), text.allSatisfy(\.isLetter) else { return 0 }
        if name.count >= fuzzyMinimumLength && text.count >= fuzzyMinimumLength && TextNormalisation.isWithinOneEdit(name, text) {
            return Similarity.typo
        }
        // "conv" for "conveyor", "comp" for "compressor": only for long words, or every short word would be a prefix.
        if text.count >= 4 && name.count >= 6 && name.hasPrefix(text) { return Similarity.abbreviation }
        return 0
    }

    /// The number right after the token at `position`, allowing "no." or "#" between: "conveyor no. 3",
    /// "conveyor three".
    static func number(after position: Int, in tokens: [TextToken]) -> (position: Int, key: String)? {
        var next = position + 1
        guard next < tokens.count else { return nil }
        if TextNormalisation.numberMarkers.contains(tokens[next].key) && next + 1 < tokens.count { next += 1 }
        if tokens[next].isNumber { return (next, tokens[next].key) }
        if let value = TextNormalisation.numberWords[tokens[next].key] { return (next, value) }
        return nil
    }

    /// The matched words as written, in runs of nearby words: "conveyor no. 3", "Boiler … feed pump".
    static func quote(_ evidence: Set<Int>, _ tokens: [TextToken], _ text: String) -> String {
        var runs: [ClosedRange<Int>] = []
        for position in evidence.sorted() {
            if let last = runs.last, position - last.upperBound <= 2 {
                runs[runs.count - 1] = last.lowerBound...position
            } else {
                runs.append(position...position)
            }
        }
        return runs.map { String(text[tokens[$0.lowerBound].range.lowerBound..<tokens[$0.upperBound].range.upperBound]) }
            .joined(separator: " … ")
    }

    /// Three decimals: enough to rank, few enough to read in JSON.
    static func rounded(_ score: Double) -> Double { (score * 1000).rounded() / 1000 }

    /// Two decimals for signals, without locale-dependent formatting.
    static func format(_ score: Double) -> String {
        let hundredths = Int((score * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
