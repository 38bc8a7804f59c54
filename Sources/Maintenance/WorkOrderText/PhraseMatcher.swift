/// How strongly a phrase speaks to priority. The highest tier present decides alone; within a tier the highest
/// priority wins.
enum PriorityTier: Int, Sendable, Comparable {
    /// What the text says about the machine: "down", "won't start", "minor", "again".
    case condition = 1
    /// What the person says about the timing: "urgent", "no rush", "not urgent". Outranks the condition, so
    /// "won't start, no rush" is low: they know a backup is running, the parser does not.
    case urgency
    /// Safety and production at stake: "fire", "injured", "line down".
    case critical
    /// A stated priority: "priority: low", "P1".
    case explicit

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A phrase and what it says about a work order.
struct PhraseRule: Sendable {
    /// Token keys to match in order; `*` stands for up to two tokens of the same clause ("line 2 is down").
    var words: [String]
    var priority: WorkOrderPriority?
    var tier: PriorityTier
    var type: WorkOrderType?
    /// The priority a negated phrase gives: "not urgent" is a low-priority statement, whereas "not down" says
    /// nothing about priority.
    var whenNegated: WorkOrderPriority?
    /// Counts only when the text reports a fault: "tripped again" is a repeat failure, "paint it again" is not.
    var onlyForFaults = false
    /// Does not count right after a number: "since 2 pm" is a time, not a PM.
    var notAfterNumber = false

    /// A phrase with no effect: it only hides the words inside it ("fire extinguisher", "shut down").
    var isNeutral: Bool { priority == nil && type == nil && whenNegated == nil }
}

/// A rule found in the text.
struct PhraseMatch: Sendable {
    var rule: PhraseRule
    /// The token indices the phrase covers.
    var tokens: Range<Int>
    /// The token that negates it ("not", "no", "nobody"), when one does.
    var negator: Int?

    var isNegated: Bool { negator != nil }
    /// The tokens to quote in a signal: the phrase with its negator.
    var span: ClosedRange<Int> { (negator ?? tokens.lowerBound)...(tokens.upperBound - 1) }
}

/// Finds the vocabulary's phrases in a token list.
enum PhraseMatcher {
    /// Words that negate a phrase up to two tokens after them in the same clause: "not urgent", "no one injured",
    /// "nobody was hurt", "non-urgent".
    static let negators: Set<String> = [
        "not", "no", "never", "nothing", "nobody", "none", "without", "non", "isnt", "arent", "wasnt", "werent", "dont",
        "doesnt", "didnt", "hasnt", "havent", "nor", "neither",
    ]
    /// Words that carry a negation on to the next phrase: "no smoke or fire".
    private static let conjunctions: Set<String> = ["or", "nor", "and"]
    /// How far back a negator reaches.
    private static let negationReach = 2
    /// How many tokens a `*` may stand for.
    private static let maximumGap = 2

    /// The phrases of `tokens`, left to right. At each position the longest phrase wins and consumes its tokens,
    /// so "fire extinguisher" hides "fire" and "not running" hides "not".
    static func matches(in tokens: [TextToken], rules: [String: [PhraseRule]] = WorkOrderVocabulary.rulesByFirstWord) -> [PhraseMatch] {
        var found: [PhraseMatch] = []
        var owner = [Int?](repeating: nil, count: tokens.count)
        var index = 0
        while index < tokens.count {
            var best: (rule: PhraseRule, end: Int)?
            for rule in rules[tokens[index].key] ?? [] {
                if rule.notAfterNumber && index > 0 && tokens[index - 1].isNumber { continue }
                if let end = end(of: rule.words[...], in: tokens, at: index, start: index), end > best?.end ?? index {
                    best = (rule, end)
                }
            }
            guard let best else {
                index += 1
                continue
            }
            let negator = negator(before: index, in: tokens, owner: owner, found: found)
            for covered in index..<best.end { owner[covered] = found.count }
            found.append(PhraseMatch(rule: best.rule, tokens: index..<best.end, negator: negator))
            index = best.end
        }
        return found.filter { !$0.rule.isNeutral }
    }

    /// Where `words` ends when matched from `position`, or nil. Tokens after the first may not open a clause.
    private static func end(of words: ArraySlice<String>, in tokens: [TextToken], at position: Int, start: Int) -> Int? {
        guard let word = words.first else { return position }
        let rest = words.dropFirst()
        if word == "*" {
            for gap in 0...maximumGap where position + gap <= tokens.count {
                let skipped = tokens[position..<(position + gap)]
                guard !skipped.contains(where: \.startsClause) else { break }
                if let end = end(of: rest, in: tokens, at: position + gap, start: start) { return end }
            }
            return nil
        }
        guard position < tokens.count, tokens[position].key == word, position == start || !tokens[position].startsClause else {
            return nil
        }
        return end(of: rest, in: tokens, at: position + 1, start: start)
    }

    /// The negator reaching the phrase that starts at `start`, directly or through "or"/"and" from a negated phrase.
    private static func negator(before start: Int, in tokens: [TextToken], owner: [Int?], found: [PhraseMatch]) -> Int? {
        guard !tokens[start].startsClause else { return nil }
        var index = start - 1
        var steps = 0
        while index >= 0 && steps < negationReach {
            if let matched = owner[index] {
                let between = tokens[(index + 1)..<start]
                let chained = !between.isEmpty && between.allSatisfy { conjunctions.contains($0.key) }
                return chained ? found[matched].negator : nil
            }
            if negators.contains(tokens[index].key) { return index }
            if tokens[index].startsClause { return nil }
            index -= 1
            steps += 1
        }
        return nil
    }
}
