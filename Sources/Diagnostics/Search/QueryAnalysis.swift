import Foundation

/// What a person asked, with the context the caller knows (a chosen manufacturer or family, an asset).
public struct DiagnosisQuery: Sendable {
    public var text: String
    /// A manufacturer name or any of its aliases (`AB`).
    public var manufacturer: String?
    /// A family id (`rockwell.powerflex-520`) or any of its aliases (`pf525`).
    public var family: String?
    /// Free text describing the asset the question is about: its manufacturer and model.
    public var assetContext: String?

    public init(text: String, manufacturer: String? = nil, family: String? = nil, assetContext: String? = nil) {
        self.text = text
        self.manufacturer = manufacturer
        self.family = family
        self.assetContext = assetContext
    }
}

/// The query taken apart: who and what it is about, the codes in it, the words left for text search.
struct QueryAnalysis {
    var manufacturers: [String] = []
    var families: [String] = []
    /// A brand the knowledge base does not cover (`Yaskawa`), named in the query.
    var foreignBrand: String?
    var codes: [CodeCandidate] = []
    var terms: [String] = []

    struct CodeCandidate {
        var text: String
        /// Atoms whose code equals this one, with whether the match needed OCR folding.
        var hits: [(atom: Int, folded: Bool)]
        /// Looks like a code of a family in play even though no atom has it.
        var codeShaped: Bool
    }
}

private struct Token {
    var original: String
    var upper: String
    var lower: String
    var consumed = false

    var isDigits: Bool { !upper.isEmpty && upper.allSatisfy(\.isNumber) }
    var isLetters: Bool { !upper.isEmpty && upper.allSatisfy(\.isLetter) }
}

extension SearchIndex {
    /// Codes that are also everyday words: in lower case they are the word ("will not hold speed").
    static let wordLikeCodes: Set<String> = [
        "hold", "run", "stop", "open", "lock", "set", "end", "low", "high", "fan", "off", "out", "oil", "air", "panel", "stall",
        "rest", "test", "heat", "cool", "load", "feed", "jam", "home", "safe", "busy", "wait", "ready", "rdy", "err", "ok",
    ]

    static let contextWords: Set<String> = [
        "fault", "faults", "flt", "error", "err", "alarm", "alm", "code", "warning", "warn", "trip", "tripped", "no",
        "nr", "number", "hms", "e",
    ]

    func analyze(_ query: DiagnosisQuery) -> QueryAnalysis {
        var analysis = QueryAnalysis()
        var tokens = Self.tokenize(query.text)

        detectNames(in: &tokens, into: &analysis)
        if let manufacturer = query.manufacturer.flatMap(base.manufacturer(named:)) {
            analysis.manufacturers.insert(manufacturer, at: 0)
        }
        if let family = query.family.flatMap(base.family(named:)) {
            analysis.families.insert(family.id, at: 0)
        }
        if let context = query.assetContext {
            var contextTokens = Self.tokenize(context)
            var contextAnalysis = QueryAnalysis()
            detectNames(in: &contextTokens, into: &contextAnalysis)
            analysis.families += contextAnalysis.families
            analysis.manufacturers += contextAnalysis.manufacturers
        }
        for family in analysis.families {
            if let manufacturer = families[family]?.manufacturer { analysis.manufacturers.append(manufacturer) }
        }
        analysis.families = Self.unique(analysis.families)
        analysis.manufacturers = Self.unique(analysis.manufacturers)

        detectCodes(in: &tokens, into: &analysis)
        analysis.terms = TextNormalizer.terms(tokens.filter { !$0.consumed }.map(\.original).joined(separator: " "))
        return analysis
    }

    // MARK: - Names

    private func detectNames(in tokens: inout [Token], into analysis: inout QueryAnalysis) {
        guard !tokens.isEmpty else { return }
        for length in stride(from: min(base.longestAlias, tokens.count), through: 1, by: -1) {
            for start in 0...(tokens.count - length) {
                let range = start..<(start + length)
                guard !tokens[range].contains(where: \.consumed) else { continue }
                let squashed = tokens[range].map(\.lower).joined()
                if let family = base.familyAliases[squashed] {
                    analysis.families.append(family)
                } else if let manufacturer = base.manufacturerAliases[squashed] {
                    analysis.manufacturers.append(manufacturer)
                } else if let brand = foreignBrands[squashed] {
                    analysis.foreignBrand = analysis.foreignBrand ?? brand
                } else {
                    continue
                }
                for index in range { tokens[index].consumed = true }
            }
        }
        for index in tokens.indices where !tokens[index].consumed {
            let upper = tokens[index].upper
            if let match = catalogPrefixes.first(where: { upper.hasPrefix($0.prefix) && upper.count >= $0.prefix.count + 2 }) {
                analysis.families.append(match.family)
                tokens[index].consumed = true
                continue
            }
            // A catalogue number split at its hyphen: `22B-D2P3N104` arrives as `22B` and `D2P3N104`.
            let next = index + 1
            if next < tokens.count, !tokens[next].consumed, tokens[next].upper.count >= 3, tokens[next].upper.contains(where: \.isNumber),
                let match = catalogPrefixes.first(where: { upper == $0.prefix })
            {
                analysis.families.append(match.family)
                tokens[index].consumed = true
                tokens[next].consumed = true
            }
        }
    }

    // MARK: - Codes

    private func detectCodes(in tokens: inout [Token], into analysis: inout QueryAnalysis) {
        var index = 0
        while index < tokens.count {
            if tokens[index].consumed {
                index += 1
                continue
            }
            if let (candidate, length) = structuredCode(at: index, in: tokens, analysis: analysis) {
                analysis.codes.append(candidate)
                for position in index..<(index + length) { tokens[position].consumed = true }
                index += length
                continue
            }
            index += 1
        }
        // Context words ("fault", "error") that introduced a code carry no meaning of their own.
        for index in tokens.indices where Self.contextWords.contains(tokens[index].lower) {
            let next = tokens.index(after: index)
            if next < tokens.count, tokens[next].consumed { tokens[index].consumed = true }
        }
    }

    /// The code starting at `index`, and how many tokens it spans.
    private func structuredCode(
        at index: Int, in tokens: [Token], analysis: QueryAnalysis
    ) -> (QueryAnalysis.CodeCandidate, Int)? {
        func token(_ offset: Int) -> Token? { Self.free(tokens, at: index + offset) }
        guard let first = token(0) else { return nil }

        if let found = hexCode(at: index, in: tokens, analysis: analysis) { return found }
        // Logix major faults: T04:C20, T4 C20, "type 4 code 20".
        if let second = token(1), first.upper.range(of: #"^T\d{1,2}$"#, options: .regularExpression) != nil,
            second.upper.range(of: #"^C\d{1,3}$"#, options: .regularExpression) != nil,
            let candidate = lookup(first.upper + second.upper, written: first.original + ":" + second.original, analysis: analysis)
        {
            return (candidate, 2)
        }
        if first.lower == "type", let number = token(1), number.isDigits, let word = token(2), word.lower == "code" || word.lower == "c",
            let code = token(3), code.isDigits,
            let candidate = lookup(
                "T\(number.upper)C\(code.upper)", written: "type \(number.original) code \(code.original)", analysis: analysis)
        {
            return (candidate, 4)
        }
        // A context word and a number: "fault 4", "error code 13101", "alarm no. 2001".
        if Self.contextWords.contains(first.lower) {
            if let (code, length) = hexCode(at: index + 1, in: tokens, analysis: analysis) { return (code, length + 1) }
            var offset = 1
            while let filler = token(offset), ["code", "no", "nr", "number", "num"].contains(filler.lower), offset < 3 { offset += 1 }
            if let value = token(offset),
                value.isDigits || value.upper.range(of: #"^[A-Z]{1,2}\d{1,6}$"#, options: .regularExpression) != nil
            {
                if let candidate = lookupNumber(value, written: "\(first.original) \(value.original)", analysis: analysis, forced: true) {
                    return (candidate, offset + 1)
                }
            }
        }
        // A prefix letter apart from its number: "F 004", "F-004", "A 501", and Mitsubishi's "E.OC1".
        if let second = token(1), first.isLetters, first.upper.count <= 2,
            second.upper.count <= 6, second.upper.contains(where: \.isNumber) || first.upper == "E",
            let candidate = lookup(
                first.upper + second.upper, written: first.original + "." + second.original, analysis: analysis,
                reportUnknown: first.upper == "E")
        {
            return (candidate, 2)
        }
        // One token: F004, A07910, OCF, E.OC1 written together, 13101.
        if first.isDigits {
            if let candidate = lookupNumber(first, written: first.original, analysis: analysis, forced: false) { return (candidate, 1) }
            return nil
        }
        if first.upper.count >= 2, let candidate = lookup(first.upper, written: first.original, analysis: analysis, token: first) {
            return (candidate, 1)
        }
        return nil
    }

    /// Bambu HMS: four groups of four (0300_0100_0001_0001), also written as two groups of eight or one of
    /// sixteen; print errors: two groups of four (0500_4002) or one of eight. An HMS-shaped code that no atom
    /// has is reported as unknown: its shape leaves no doubt that it is a code.
    private func hexCode(at index: Int, in tokens: [Token], analysis: QueryAnalysis) -> (QueryAnalysis.CodeCandidate, Int)? {
        func token(_ offset: Int) -> Token? { Self.free(tokens, at: index + offset) }
        for (groups, width) in [(4, 4), (2, 8), (1, 16), (2, 4), (1, 8)] {
            let parts = (0..<groups).compactMap { token($0) }
            // Every group holds a digit and three quarters are digits: "DOES 0300" is a word and a number.
            guard parts.count == groups,
                parts.allSatisfy({ $0.upper.count == width && Self.isHexLike($0.upper) && $0.upper.contains(where: \.isNumber) }),
                parts.map(\.upper).joined().filter(\.isNumber).count * 4 >= groups * width * 3
            else { continue }
            let written = parts.map(\.original).joined(separator: " ")
            let code = parts.map(\.upper).joined()
            // Only codes written with as many characters: "00000001" is not ABB's fault 1.
            if var candidate = lookup(code, written: written, analysis: analysis, strictFold: false) {
                candidate.hits = candidate.hits.filter { hit in
                    atoms[hit.atom].faultCodes.contains { $0.filter { $0.isLetter || $0.isNumber }.count == code.count }
                }
                if !candidate.hits.isEmpty { return (candidate, groups) }
            }
            if groups * width == 16 {
                return (QueryAnalysis.CodeCandidate(text: written, hits: [], codeShaped: true), groups)
            }
        }
        return nil
    }

    /// A bare number: a code of its own (ABB `2310`, Prusa `13101`), or a prefixed one with the letter left out
    /// (`fault 4` on a PowerFlex is `F004`).
    private func lookupNumber(
        _ value: Token, written: String, analysis: QueryAnalysis, forced: Bool
    ) -> QueryAnalysis.CodeCandidate? {
        if !value.isDigits {
            return lookup(value.upper, written: written, analysis: analysis, reportUnknown: forced)
        }
        let key = FaultCode.key(value.upper)
        var hits: [(atom: Int, folded: Bool)] = []
        let inPlay = Set(analysis.families)
        for atom in codes[key] ?? []
        where forced || value.upper.count >= 4 || (value.upper.count >= 3 && inPlay.contains(atoms[atom].family)) {
            hits.append((atom, false))
        }
        // "fault 4" is F004 on a PowerFlex; a bare "4" is too often a quantity ("4-20 mA") to be read as one.
        for family in prefixedFamilies where forced {
            for atom in codes[FaultCode.key(family.bareCodePrefix! + value.upper)] ?? [] where atoms[atom].family == family.id {
                hits.append((atom, false))
            }
        }
        if !hits.isEmpty || forced {
            return QueryAnalysis.CodeCandidate(text: written, hits: hits, codeShaped: forced)
        }
        return nil
    }

    /// Looks a written code up, exactly and then OCR-folded.
    ///
    /// - Parameters:
    ///   - token: the single word the code came from, when it did; a code that is also an ordinary word (`HOLD`)
    ///     counts only when written as no word is: in capitals, or in mixed case (Mitsubishi's `oL`).
    ///   - reportUnknown: whether a code-shaped word that no atom has is reported as an unknown code.
    private func lookup(
        _ code: String, written: String? = nil, analysis: QueryAnalysis, token: Token? = nil, reportUnknown: Bool = true,
        strictFold: Bool = true
    ) -> QueryAnalysis.CodeCandidate? {
        let written = written ?? code
        let key = FaultCode.key(code)
        guard !key.isEmpty else { return nil }
        if let token, token.isLetters,
            proseWords.contains(token.lower) || TextNormalizer.stopWords.contains(token.lower) || Self.wordLikeCodes.contains(token.lower)
        {
            let titleCase = token.original.first?.isUppercase == true && token.original.dropFirst() == token.lower.dropFirst()
            guard token.original != token.lower, !titleCase else { return nil }
        }
        if let exact = codes[key] {
            return QueryAnalysis.CodeCandidate(text: written, hits: exact.map { ($0, false) }, codeShaped: true)
        }
        let hasDigit = key.contains(where: \.isNumber)
        let foldable = !strictFold || hasDigit || (token.map { $0.original == $0.upper && $0.upper.count >= 3 } ?? false)
        if foldable, let folded = foldedCodes[FaultCode.foldedKey(code)] {
            return QueryAnalysis.CodeCandidate(text: written, hits: folded.map { ($0, true) }, codeShaped: true)
        }
        guard reportUnknown, hasDigit, key.first?.isLetter == true, key.count <= 8 else { return nil }
        let shape = FaultCode.shape(ofKey: key)
        let shapes =
            analysis.families.isEmpty
            ? allShapes : analysis.families.reduce(into: Set<String>()) { $0.formUnion(familyShapes[$1] ?? []) }
        guard shapes.contains(shape) else { return nil }
        return QueryAnalysis.CodeCandidate(text: written, hits: [], codeShaped: true)
    }

    // MARK: - Helpers

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            tokens.append(Token(original: current, upper: current.uppercased(), lower: current.lowercased()))
            current = ""
        }
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                current.append(character)
            } else {
                flush()
                if character == "#" { tokens.append(Token(original: "#", upper: "#", lower: "no")) }
            }
        }
        flush()
        return tokens
    }

    /// The token at `position` when there is one that no earlier rule has taken.
    private static func free(_ tokens: [Token], at position: Int) -> Token? {
        guard position < tokens.count, !tokens[position].consumed else { return nil }
        return tokens[position]
    }

    private static func isHexLike(_ text: String) -> Bool {
        text.allSatisfy { "0123456789ABCDEFOISLZ".contains($0) }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
