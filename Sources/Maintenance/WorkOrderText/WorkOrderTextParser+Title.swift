import Foundation

extension WorkOrderTextParser {
    /// The longest title, in characters, including the "…" of a cut one.
    public static let titleLimit = 80

    /// Words whose full stop does not end the sentence: "conveyor no. 3", "e.g. the drive".
    private static let abbreviations: Set<String> = ["no", "nr", "approx", "eg", "ie", "vs", "etc", "st", "dr", "mr", "ca", "e", "g", "i"]

    /// The first sentence that says more than greetings and urgency words, with those words trimmed from both
    /// ends ("Hi team, conveyor 3 tripped F004 again, urgent!!" → "Conveyor 3 tripped F004"), pictographs
    /// removed, whitespace collapsed, capitalised, and cut at a word boundary with "…" beyond ``titleLimit``.
    static func title(for text: String, tokens: [TextToken]) -> String {
        let sentences = sentenceRanges(in: text).map { sentence in tokens.filter { sentence.contains($0.range.lowerBound) } }
        let chosen = sentences.lazy.map(stripFluff).first { !$0.isEmpty } ?? sentences.first ?? []
        guard let first = chosen.first, let last = chosen.last else { return "" }
        let words = text[first.range.lowerBound..<last.range.upperBound].filter { !isPictograph($0) }.split(whereSeparator: \.isWhitespace)
        return truncated(capitalised(words.joined(separator: " ")))
    }

    /// Where each sentence of `text` is. A sentence ends at a line break, at "!" or "?", and at "." followed by
    /// a space, unless the "." closes an abbreviation or a number follows ("no. 3").
    static func sentenceRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if endsSentence(at: index, in: text) {
                ranges.append(start..<next)
                start = next
            }
            index = next
        }
        if start < text.endIndex { ranges.append(start..<text.endIndex) }
        return ranges
    }

    private static func endsSentence(at index: String.Index, in text: String) -> Bool {
        let character = text[index]
        if character.isNewline || character == "!" || character == "?" { return true }
        guard character == "." else { return false }
        let next = text.index(after: index)
        guard next < text.endIndex else { return true }
        guard text[next].isWhitespace else { return false }
        let word = TextNormalisation.fold(String(text[..<index].reversed().prefix { $0.isLetter }.reversed()))
        let following = text[next...].first { !$0.isWhitespace }
        return !abbreviations.contains(word) && !(following?.isNumber ?? false)
    }

    /// `tokens` without fluff phrases at either end.
    private static func stripFluff(_ tokens: [TextToken]) -> [TextToken] {
        var kept = tokens[...]
        var changed = true
        while changed && !kept.isEmpty {
            changed = false
            let keys = kept.map(\.key)
            for phrase in WorkOrderVocabulary.titleFluff where phrase.count <= keys.count {
                if keys.prefix(phrase.count).elementsEqual(phrase) {
                    kept = kept.dropFirst(phrase.count)
                    changed = true
                    break
                }
                if keys.suffix(phrase.count).elementsEqual(phrase) {
                    kept = dropNegation(kept.dropLast(phrase.count))
                    changed = true
                    break
                }
            }
        }
        return Array(kept)
    }

    /// `tokens` without a trailing negator, so "not critical" goes as a whole ("not very urgent", "not an emergency").
    private static func dropNegation(_ tokens: ArraySlice<TextToken>) -> ArraySlice<TextToken> {
        var kept = tokens
        if let last = kept.last, ["a", "an", "very", "that", "too", "so", "super"].contains(last.key),
            kept.dropLast().last.map({ PhraseMatcher.negators.contains($0.key) }) == true
        {
            kept = kept.dropLast()
        }
        if let last = kept.last, PhraseMatcher.negators.contains(last.key) { kept = kept.dropLast() }
        return kept
    }

    /// Emoji and other pictographs: a 🔥 says something to a person, nothing in a title list.
    private static func isPictograph(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.properties.isEmojiPresentation || ($0.properties.isEmoji && $0.value >= 0x2100) }
    }

    private static func capitalised(_ text: String) -> String {
        guard let first = text.first, first.isLowercase else { return text }
        return first.uppercased() + text.dropFirst()
    }

    /// At most ``titleLimit`` characters, cut after a whole word when one ends in the second half, with "…".
    private static func truncated(_ text: String) -> String {
        guard text.count > titleLimit else { return text }
        let room = text.prefix(titleLimit - 1)
        var cut = room
        let endsAtWord = text[room.endIndex].isWhitespace
        if !endsAtWord, let space = room.lastIndex(of: " "), room.distance(from: room.startIndex, to: space) >= titleLimit / 2 {
            cut = room[..<space]
        }
        let trimmed = cut.reversed().drop { $0.isWhitespace || ",;:-–—".contains($0) }.reversed()
        return String(trimmed) + "…"
    }
}
