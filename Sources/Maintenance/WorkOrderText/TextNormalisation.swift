import Foundation

/// A word or number of the text, normalised for matching, with where it came from.
struct TextToken: Sendable, Equatable {
    /// Lower case, without diacritics or apostrophes, digit runs without leading zeros: "Won't" → "wont",
    /// "03" → "3", "Étiqueteuse" → "etiqueteuse".
    var key: String
    /// Where the token is in the text it was read from.
    var range: Range<String.Index>
    var isNumber: Bool
    /// True for the first token after `,` `;` `.` `!` `?`, a line break or "but": negation and multi-word
    /// phrases do not reach across a clause.
    var startsClause: Bool
}

/// How text is cut into comparable tokens. Phone-typed text varies in case, accents, hyphens, spacing and
/// number style; everything that compares text goes through here so that "CNV-03", "cnv 03" and "cnv3" agree.
enum TextNormalisation {
    /// Words that introduce a number: "no. 3", "nr 3", "number 3". ("#3" needs nothing: `#` is punctuation.)
    static let numberMarkers: Set<String> = ["no", "nr", "num", "number", "n"]

    /// Spelled-out numbers, accepted where an asset number is expected ("conveyor three").
    static let numberWords: [String: String] = [
        "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
        "ten": "10",
    ]

    private static let clauseMarks: Set<Character> = [",", ";", ".", "!", "?", "\n", "\r", "—"]
    private static let apostrophes: Set<Character> = ["'", "’", "‘"]

    /// Lower case, no diacritics, no full-width forms: "Étiqueteuse" → "etiqueteuse".
    static func fold(_ text: String) -> String {
        // Plain ASCII only needs lower-casing; skipping Foundation's folding makes matching 10k assets several times faster.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// `text` with every run of digits stripped of leading zeros: "cnv03" → "cnv3", "0" stays "0".
    static func stripLeadingZeros(_ text: String) -> String {
        var result = ""
        var digits = ""
        func flushDigits() {
            guard !digits.isEmpty else { return }
            let significant = digits.drop { $0 == "0" }
            result += significant.isEmpty ? "0" : String(significant)
            digits = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flushDigits()
                result.append(character)
            }
        }
        flushDigits()
        return result
    }

    /// A tag or identifier reduced to letters and digits, so spacing and punctuation do not matter:
    /// "CNV-03", "cnv 03" and "cnv3" all give "cnv3".
    static func compactKey(_ text: String) -> String {
        stripLeadingZeros(String(fold(text).filter(isWordCharacter)))
    }

    /// The tokens of `text`. Apostrophes inside a word vanish ("won't" → "wont") and a possessive "'s" is
    /// dropped ("3's" → "3"). A word of three or more letters directly followed by up to three digits is split
    /// in two ("conveyor3" → "conveyor", "3"; "cnv03" → "cnv", "3"), as is "no3", because people leave the
    /// space out; shorter prefixes stay whole, since "pf525", "mk4" and "f004" are model names and codes.
    static func tokens(in text: String) -> [TextToken] {
        var tokens: [TextToken] = []
        var boundary = true
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard isWordCharacter(character) else {
                if clauseMarks.contains(character) || isSpacedDash(at: index, in: text) { boundary = true }
                index = text.index(after: index)
                continue
            }
            let (raw, end) = readWord(in: text, from: index)
            var opensClause = boundary || tokens.last?.key == "but"
            for (key, range) in split(raw: raw, range: index..<end, in: text) {
                let isNumber = key.allSatisfy { $0.isASCII && $0.isNumber }
                tokens.append(TextToken(key: key, range: range, isNumber: isNumber, startsClause: opensClause))
                opensClause = false
            }
            boundary = false
            index = end
        }
        return tokens
    }

    /// Whether `a` and `b` are at most one edit apart in Damerau–Levenshtein distance: one letter inserted,
    /// deleted, replaced, or two neighbours swapped ("convyor"/"conveyor", "pmup"/"pump").
    static func isWithinOneEdit(_ a: String, _ b: String) -> Bool {
        let x = Array(a)
        let y = Array(b)
        if x == y { return true }
        if abs(x.count - y.count) > 1 { return false }
        if x.count == y.count {
            let differing = x.indices.filter { x[$0] != y[$0] }
            if differing.count == 1 { return true }
            guard differing.count == 2, let first = differing.first, let second = differing.last else { return false }
            return second == first + 1 && x[first] == y[second] && x[second] == y[first]
        }
        let (short, long) = x.count < y.count ? (x, y) : (y, x)
        var i = 0
        var j = 0
        var skipped = false
        while i < short.count && j < long.count {
            if short[i] == long[j] {
                i += 1
            } else {
                if skipped { return false }
                skipped = true
            }
            j += 1
        }
        return true
    }

    /// " - " between words is a dash, not a hyphen: "priority low - conveyor 4 down" is two clauses.
    private static func isSpacedDash(at index: String.Index, in text: String) -> Bool {
        guard text[index] == "-" || text[index] == "–", index > text.startIndex else { return false }
        let next = text.index(after: index)
        return next < text.endIndex && text[text.index(before: index)].isWhitespace && text[next].isWhitespace
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || (character.isNumber && character.isASCII)
    }

    /// Reads letters and digits from `start`, skipping apostrophes between them and a trailing possessive "'s".
    private static func readWord(in text: String, from start: String.Index) -> (raw: String, end: String.Index) {
        var raw = ""
        var index = start
        var end = start
        while index < text.endIndex {
            let character = text[index]
            if isWordCharacter(character) {
                raw.append(character)
                index = text.index(after: index)
                end = index
                continue
            }
            guard apostrophes.contains(character) else { break }
            let next = text.index(after: index)
            guard next < text.endIndex, isWordCharacter(text[next]) else { break }
            let afterNext = text.index(after: next)
            let possessive = (text[next] == "s" || text[next] == "S") && (afterNext == text.endIndex || !isWordCharacter(text[afterNext]))
            if possessive {
                end = afterNext
                break
            }
            index = next
        }
        return (raw, end)
    }

    /// Splits "conveyor3" and "no3" into word and number; anything else stays one token.
    private static func split(raw: String, range: Range<String.Index>, in text: String) -> [(String, Range<String.Index>)] {
        let folded = fold(raw)
        let digits = folded.reversed().prefix { $0.isASCII && $0.isNumber }.count
        let letters = folded.dropLast(digits)
        let splits =
            digits > 0 && digits <= 3 && letters.allSatisfy(\.isLetter)
            && (letters.count >= 3 || numberMarkers.contains(String(letters)))
        guard splits, !letters.isEmpty else { return [(stripLeadingZeros(folded), range)] }
        // The digits are the last characters of the original word too, so the cut can be found from its end.
        var cut = range.upperBound
        for _ in 0..<digits { cut = text.index(before: cut) }
        return [(String(letters), range.lowerBound..<cut), (stripLeadingZeros(String(folded.suffix(digits))), cut..<range.upperBound)]
    }
}
