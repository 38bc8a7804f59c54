import Foundation

/// Turns free text into the terms the search index compares: lower case, accents folded, technicians'
/// abbreviations spelled out, "over voltage" joined, a light English stemmer. Atoms and queries go through the
/// same steps, so whatever one side writes, the other meets it.
public enum TextNormalizer {
    /// Lower-case words of letters and digits, accents folded.
    public static func words(_ text: String) -> [String] {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Letters and digits only, lower case: `PF-525` and `pf 525` both become `pf525`.
    public static func squash(_ text: String) -> String {
        words(text).joined()
    }

    /// The search terms of `text`, in order, stop words left out.
    public static func terms(_ text: String) -> [String] {
        var result: [String] = []
        var pendingPrefix: String?
        for word in words(text) {
            let expanded = abbreviations[word] ?? [word]
            for part in expanded {
                if let prefix = pendingPrefix {
                    pendingPrefix = nil
                    if !stopWords.contains(part) {
                        result.append(stem(prefix + part))
                        continue
                    }
                }
                if part == "over" || part == "under" {
                    pendingPrefix = part
                    continue
                }
                // One letter or digit alone ("e", "4") says nothing a search can use.
                if stopWords.contains(part) || part.count < 2 { continue }
                result.append(stem(part))
            }
        }
        return result
    }

    /// A light suffix stemmer: plurals, -ing, -ed, a final -e; a doubled final consonant undoubled.
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy(\.isLetter) else { return word }
        var stem = word
        if stem.hasSuffix("ies") && stem.count > 4 {
            stem = String(stem.dropLast(3)) + "y"
        } else if stem.hasSuffix("sses") {
            stem = String(stem.dropLast(2))
        } else if stem.hasSuffix("s") && !stem.hasSuffix("ss") && !stem.hasSuffix("us") && !stem.hasSuffix("is") {
            stem = String(stem.dropLast())
        }
        for suffix in ["ing", "ed"] where stem.hasSuffix(suffix) && stem.count - suffix.count >= 3 {
            stem = String(stem.dropLast(suffix.count))
            if let last = stem.last, let before = stem.dropLast().last, last == before, !"lsz".contains(last) {
                stem = String(stem.dropLast())
            }
            break
        }
        if stem.hasSuffix("e") && stem.count > 3 { stem = String(stem.dropLast()) }
        return stem
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "my", "our", "your", "its", "it",
        "this", "that", "these", "those", "on", "in", "at", "of", "for", "to", "from", "with", "and", "or", "but",
        "by", "as", "what", "why", "how", "when", "where", "which", "who", "does", "do", "did", "doing", "done",
        "mean", "means", "meaning", "keep", "keeps", "kept", "show", "shows", "showing", "showed", "shown", "say",
        "says", "said", "get", "gets", "getting", "got", "have", "has", "had", "i", "we", "you", "me", "us", "they",
        "them", "he", "she", "please", "help", "fault", "faults", "faulted", "faulting", "error", "errors", "err",
        "alarm", "alarms", "code", "codes", "flt", "msg", "message", "display", "displays", "displayed", "screen",
        "reads", "read", "reading", "can", "could", "should", "would", "will", "just", "again", "still", "now",
        "then", "there", "here", "so", "if", "any", "some", "all", "about", "into", "up", "out", "after", "before",
        "while", "during", "also", "very", "too", "really", "hi", "hello", "thanks", "thank", "ok", "okay", "guys",
        "anyone", "know", "need", "want", "today", "yesterday", "im", "ive", "dont", "doesnt", "cant", "wont", "isnt",
        "not", "no", "new", "one", "two", "off",
    ]

    /// Shorthand technicians type, spelled out the way the atoms write it.
    static let abbreviations: [String: [String]] = [
        "ot": ["overtemperature"], "overtemp": ["overtemperature"], "overheat": ["overtemperature"],
        "overheating": ["overtemperature"], "overheated": ["overtemperature"], "oc": ["overcurrent"],
        "ov": ["overvoltage"], "uv": ["undervoltage"], "ol": ["overload"], "gf": ["ground"], "gnd": ["ground"],
        "earth": ["ground"], "comm": ["communication"], "comms": ["communication"], "com": ["communication"],
        "temp": ["temperature"], "temps": ["temperature"], "estop": ["emergency", "stop"], "decel": ["deceleration"],
        "accel": ["acceleration"], "mtr": ["motor"], "pwr": ["power"], "freq": ["frequency"], "hz": ["frequency"],
        "spd": ["speed"], "rpm": ["speed"], "ph": ["phase"], "brk": ["brake"], "braking": ["brake"],
        "volt": ["voltage"], "volts": ["voltage"], "vac": ["voltage"], "vdc": ["voltage"], "amps": ["current"],
        "amp": ["current"], "fw": ["firmware"], "param": ["parameter"], "params": ["parameter"],
        "config": ["configuration"], "cfg": ["configuration"], "therm": ["thermistor"], "htr": ["heater"],
        "enc": ["encoder"], "fdbk": ["feedback"], "fb": ["feedback"], "cap": ["capacitor"], "caps": ["capacitor"],
        "dcbus": ["dc", "bus"], "megger": ["insulation", "resistance"], "meggering": ["insulation", "resistance"],
        "meg": ["insulation", "resistance"], "loto": ["lockout", "tagout"], "cnt": ["count"],
    ]
}
