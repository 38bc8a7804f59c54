import Foundation

/// Finds drive, PLC and printer fault codes in free text and writes them the way the manufacturer does.
///
/// Conservative by design: a code that is missed costs the technician a few keystrokes, a plain number taken
/// for a code sends the diagnosis the wrong way. Bare numbers, dates, times, model numbers ("525", "PF525"),
/// quantities ("3 bolts") and asset numbers ("conveyor 3") are never codes; four- and five-digit numbers count
/// only after a word such as "fault", "alarm", "code" or "error".
///
/// Families are tried in the order below; a stretch of text used by one family is not read again by the next.
enum FaultCodeExtractor {
    struct Family: Sendable {
        /// The make the pattern belongs to, for whoever reads or debugs the table.
        var name: String
        var regex: NSRegularExpression
        /// The code from the match's capture groups, or nil to reject the match.
        var normalise: @Sendable (_ groups: [String], _ text: String, _ range: Range<String.Index>) -> String?
    }

    /// Not preceded by a letter or digit: keeps "F4" out of "PF4" and "A07991" out of "DA07991".
    private static let start = "(?<![A-Za-z0-9])"
    /// Not followed by a letter or digit, nor by a decimal, time or date continuing the number ("10:30", "2.5").
    private static let end = "(?![A-Za-z0-9]|[.:/,]\\d)"
    /// Words that make a following number a quantity or time, not a code: "fault 4 times", "alarm 1030 am".
    private static let notAQuantity =
        "(?!\\s*(?:times?|x|hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?|years?|am|pm|sec|seconds?|%|percent)\\b)"
    /// Words after which a number is meant as a code.
    private static let context = "\\b(?:fault|flt|alarm|alm|code|error|err|warning)\\s*(?:code\\s*)?(?:#|no\\.?|nr\\.?)?\\s*:?\\s*"

    /// Schneider Altivar codes are short words, so they count only in this list and only near a word that
    /// introduces a code, or when the text names the Altivar. Written as on the drive's display.
    static let altivarCodes: [String] = [
        "OCF", "ObF", "OSF", "USF", "OHF", "OLF", "OLC", "ULF", "OPF", "OPF1", "OPF2", "PHF", "SCF", "SCF1", "SCF2", "SCF3",
        "SCF4", "SCF5", "SOF", "tnF", "CnF", "COF", "EPF1", "EPF2", "SLF1", "SLF2", "SLF3", "InF", "InF1", "InF2", "InF3",
        "InF4", "InF6", "InF9", "InFA", "InFb", "InFE", "LFF", "LFF3", "CrF", "CrF1", "OtF", "tJF", "bLF", "brF", "SPF",
        "AnF", "SSF", "CFF", "CFI", "HCF", "PrF", "ILF", "ASF",
    ]
    /// Words near an Altivar code that show it is one: "display shows ObF", "OCF fault".
    static let altivarContext: Set<String> = [
        "code", "codes", "fault", "faults", "faulted", "error", "err", "alarm", "trip", "tripped", "tripping", "trips", "shows",
        "showing", "showed", "show", "display", "displays", "displaying", "screen", "reads", "reading", "says", "saying",
        "flashing", "altivar", "atv",
    ]

    /// Mitsubishi FR series codes that are distinctive enough to read without the dot ("E OC1", "EOC1").
    private static let mitsubishiLong =
        "OC[1-3]|OV[1-3]|THM|THT|FIN|IPF|UVT|ILF|OLT|OHT|PTC|OPT|OP[1-3]|CPU|CDO|IOH|SER|AIE|USB|OSD|ECT|LCI|PCH|PID|SAF|CTE|P24|IAH|PE2|MB[1-7]"
    /// Short ones need the dot: "E.BE", "E.6"; "E 6" is just as likely a grid reference.
    private static let mitsubishiShort = "BE|GF|LF|OS|OD|PE|EP|[1-7]"

    static let families: [Family] = [
        // Bambu Lab HMS, "HMS_0300_0100_0001_0001" or "0300-0100-0001-0001" → "0300-0100-0001-0001".
        // With the "HMS" prefix spaces are accepted too; without it only "-" or "_", since four space-separated
        // groups of four digits may be anything (a card number, a phone number).
        family(
            "Bambu HMS", "\\bHMS[\\s_:-]*([0-9A-F]{4})[-_ ]([0-9A-F]{4})[-_ ]([0-9A-F]{4})[-_ ]([0-9A-F]{4})\(end)"
        ) { groups, _, _ in groups.joined(separator: "-").uppercased() },
        family("Bambu HMS", "\(start)([0-9A-F]{4})[-_]([0-9A-F]{4})[-_]([0-9A-F]{4})[-_]([0-9A-F]{4})\(end)") { groups, _, _ in
            groups.joined(separator: "-").uppercased()
        },
        // Rockwell Logix major fault, "type 4 code 20", "Type 04, Code 20", "T04:C20" → "T04:C20".
        family("Logix major fault", "\(start)(?:T|type)\\s*#?\\s*(\\d{1,2})\\s*[:,;/]?\\s*(?:C|code)\\s*#?\\s*(\\d{1,3})\(end)") {
            groups, _, _ in "T\(padded(groups[0], to: 2)):C\(padded(groups[1], to: 2))"
        },
        // Mitsubishi FR inverters, "E.OC1", "E OC1", "EOC1", "e.thm" → "E.OC1", "E.THM".
        family("Mitsubishi", "\(start)E\\.\\s?(\(mitsubishiLong)|\(mitsubishiShort))\(end)") { groups, _, _ in "E.\(groups[0].uppercased())"
        },
        family("Mitsubishi", "\(start)E\\s?(\(mitsubishiLong))\(end)") { groups, _, _ in "E.\(groups[0].uppercased())" },
        // Siemens SINAMICS faults and alarms, F or A + five digits: "F30001", "A07991". MICROMASTER, F or A + four
        // digits starting with 0: "F0001", "A0501" (a leading 1–9 is more often a model: Yaskawa "A1000").
        // Kept as written, upper-cased.
        family("Siemens", "\(start)([FA])(\\d{5}|0\\d{3})\(end)") { groups, _, _ in groups[0].uppercased() + groups[1] },
        // Prusa error codes, five digits starting 1 or 2 after "error"/"code" or in a prusa.io link:
        // "error 17505", "prusa.io/17505" → "#17505". A bare "#17505" is not taken: it is as often a work-order number.
        family("Prusa", "(?:\\b(?:error|err|code)\\s*(?:code\\s*)?#?\\s*:?\\s*|prusa\\.io/)([12]\\d{4})\(end)") { groups, _, _ in
            "#\(groups[0])"
        },
        // ABB ACS drives, four digits (or hex with at least two digits) after "fault", "alarm", "code" or "error":
        // "fault 2310" → "2310", "alarm a2b1" → "A2B1".
        family("ABB", "\(context)([0-9A-F]{4})\(end)\(notAQuantity)") { groups, _, _ in
            groups[0].filter(\.isNumber).count >= 2 ? groups[0].uppercased() : nil
        },
        // Allen-Bradley PowerFlex, "F004", "F4", "F 4", "f-04" → "F004" (letter + three digits as the drive shows).
        family("PowerFlex", "\(start)F[\\s-]?0*(\\d{1,3})\(end)\(notAQuantity)") { groups, _, _ in "F\(padded(groups[0], to: 3))" },
        // … and "fault 4", "fault code 04", "flt #4" → "F004". Only after "fault": "error 4" or "alarm 4" could be
        // any make.
        family("PowerFlex", "\\b(?:fault|flt)\\s*(?:code\\s*)?(?:#|no\\.?|nr\\.?)?\\s*:?\\s*0*(\\d{1,3})\(end)\(notAQuantity)") {
            groups, _, _ in "F\(padded(groups[0], to: 3))"
        },
        // Schneider Altivar, "display shows OCF", "ObF fault", "ATV320 ocf" → "OCF", "ObF".
        family("Altivar", "\(start)(\(altivarCodes.joined(separator: "|")))\(end)") { groups, text, range in
            guard hasAltivarContext(around: range, in: text) else { return nil }
            return altivarCodes.first { $0.lowercased() == groups[0].lowercased() }
        },
    ]

    /// The codes in `text`, in order of appearance, without duplicates.
    static func codes(in text: String) -> [String] {
        var taken: [Range<String.Index>] = []
        var found: [(position: String.Index, code: String)] = []
        let whole = NSRange(text.startIndex..., in: text)
        for family in families {
            for result in family.regex.matches(in: text, range: whole) {
                guard let range = Range(result.range, in: text), !taken.contains(where: { $0.overlaps(range) }) else { continue }
                let groups = (1..<result.numberOfRanges).compactMap { Range(result.range(at: $0), in: text).map { String(text[$0]) } }
                guard let code = family.normalise(groups, text, range) else { continue }
                taken.append(range)
                found.append((range.lowerBound, code))
            }
        }
        var seen = Set<String>()
        return found.sorted { $0.position < $1.position }.map(\.code).filter { seen.insert($0).inserted }
    }

    private static func family(
        _ name: String, _ pattern: String, normalise: @escaping @Sendable ([String], String, Range<String.Index>) -> String?
    ) -> Family {
        // The patterns are constants checked by the tests, never user input.
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        return Family(name: name, regex: regex, normalise: normalise)
    }

    private static func padded(_ digits: String, to width: Int) -> String {
        let significant = String(Int(digits) ?? 0)
        return String(repeating: "0", count: max(0, width - significant.count)) + significant
    }

    /// A code word within three words before the code or one after, or the Altivar named anywhere.
    private static func hasAltivarContext(around range: Range<String.Index>, in text: String) -> Bool {
        let tokens = TextNormalisation.tokens(in: text)
        if tokens.contains(where: { $0.key == "altivar" || $0.key == "atv" || $0.key.hasPrefix("atv") }) { return true }
        let before = tokens.filter { $0.range.upperBound <= range.lowerBound }.suffix(3)
        let after = tokens.first { $0.range.lowerBound >= range.upperBound }
        return (before + [after].compactMap { $0 }).contains { altivarContext.contains($0.key) }
    }
}
