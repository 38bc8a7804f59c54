import Foundation

/// The immutable index the diagnoser searches: fault codes (exact and OCR-folded), the names of manufacturers and
/// families, and a BM25 text index over each atom's title, symptoms, causes, keywords and summary.
///
/// Built once at start-up for the built-in knowledge base (a few milliseconds for a thousand atoms) and once per
/// organization that has atoms of its own.
public struct SearchIndex: Sendable {
    public let atoms: [Atom]
    /// The knowledge base the index was built from: its families and the names they go by.
    public let base: KnowledgeBase
    var families: [String: Family] { base.families }

    /// Code key → atoms carrying it.
    let codes: [String: [Int]]
    /// OCR-folded code key → atoms.
    let foldedCodes: [String: [Int]]
    /// Family id → the shapes of its code keys (`F#`, `A#`).
    let familyShapes: [String: Set<String>]
    let allShapes: Set<String>
    /// Squashed brand names we know but hold no knowledge for (`yaskawa`), so a query about them is refused.
    let foreignBrands: [String: String]
    /// Upper-cased catalogue prefix → family id.
    let catalogPrefixes: [(prefix: String, family: String)]
    /// Families whose codes are a letter and a number, which "fault 4" may leave the letter out of.
    let prefixedFamilies: [Family]

    // BM25
    let postings: [String: [(atom: Int, frequency: Double)]]
    let lengths: [Double]
    let averageLength: Double
    let vocabularyByLength: [Int: [String]]
    /// Words common in the atoms' prose; a code that is also such a word (`HOLD`) counts only when written in capitals.
    let proseWords: Set<String>

    /// Field weights: a title word says more than a summary word.
    static func weightedFields(of atom: Atom) -> [(texts: [String], weight: Double)] {
        [([atom.title], 3), (atom.symptoms, 2), (atom.keywords, 2), (atom.causes, 1), ([atom.summary], 1)]
    }

    public init(base: KnowledgeBase, extraAtoms: [Atom] = []) {
        let atoms = base.atoms + extraAtoms
        self.atoms = atoms
        self.base = base

        var codes: [String: [Int]] = [:]
        var folded: [String: [Int]] = [:]
        var shapes: [String: Set<String>] = [:]
        for (index, atom) in atoms.enumerated() {
            for code in atom.faultCodes {
                let key = FaultCode.key(code)
                guard !key.isEmpty else { continue }
                if codes[key]?.contains(index) != true { codes[key, default: []].append(index) }
                let foldedKey = FaultCode.foldedKey(code)
                if folded[foldedKey]?.contains(index) != true { folded[foldedKey, default: []].append(index) }
                shapes[atom.family, default: []].insert(FaultCode.shape(ofKey: key))
            }
        }
        self.codes = codes
        self.foldedCodes = folded
        self.familyShapes = shapes
        self.allShapes = shapes.values.reduce(into: Set()) { $0.formUnion($1) }

        var prefixes: [(String, String)] = []
        for family in base.families.values.sorted(by: { $0.id < $1.id }) {
            for prefix in family.catalogPrefixes {
                prefixes.append((TextNormalizer.squash(prefix).uppercased(), family.id))
            }
        }
        self.foreignBrands = Dictionary(
            Self.otherBrands.map { (TextNormalizer.squash($0), $0) }, uniquingKeysWith: { first, _ in first })
        self.catalogPrefixes = prefixes.sorted { $0.0.count > $1.0.count }
        self.prefixedFamilies = base.families.values.filter { $0.bareCodePrefix != nil }.sorted { $0.id < $1.id }

        var postings: [String: [Int: Double]] = [:]
        var lengths = [Double](repeating: 0, count: atoms.count)
        var proseCounts: [String: Int] = [:]
        for (index, atom) in atoms.enumerated() {
            for (texts, weight) in Self.weightedFields(of: atom) {
                for text in texts {
                    for term in TextNormalizer.terms(text) {
                        postings[term, default: [:]][index, default: 0] += weight
                        lengths[index] += weight
                    }
                }
            }
            for word in Set(TextNormalizer.words(([atom.summary] + atom.causes + atom.actions).joined(separator: " "))) {
                proseCounts[word, default: 0] += 1
            }
        }
        self.postings = postings.mapValues { $0.map { (atom: $0.key, frequency: $0.value) }.sorted { $0.atom < $1.atom } }
        self.lengths = lengths
        self.averageLength = atoms.isEmpty ? 1 : max(1, lengths.reduce(0, +) / Double(atoms.count))
        self.vocabularyByLength = Dictionary(grouping: postings.keys, by: \.count)
        self.proseWords = Set(proseCounts.filter { $0.value >= 3 }.map(\.key))
    }

    /// Inverse document frequency, BM25's form (never negative).
    func idf(_ term: String) -> Double {
        let documents = Double(postings[term]?.count ?? 0)
        let total = Double(atoms.count)
        return log(1 + (total - documents + 0.5) / (documents + 0.5))
    }

    /// Brands whose equipment people also maintain but the knowledge base does not cover. Naming one means the
    /// question is outside what Millwright knows, and the answer says so instead of guessing.
    static let otherBrands = [
        "yaskawa", "danfoss", "vacon", "fanuc", "lenze", "eaton", "cutler hammer", "omron", "hitachi", "toshiba",
        "fuji", "fuji electric", "sew", "sew eurodrive", "kollmorgen", "beckhoff", "emerson", "control techniques",
        "nidec", "weg", "invt", "keb", "bosch", "rexroth", "parker", "baldor", "magnetek", "hyundai", "ls electric",
        "lsis", "creality", "anycubic", "elegoo", "ultimaker", "flashforge", "qidi", "formlabs", "makerbot", "raise3d",
        "snapmaker", "marlin", "octoprint", "honeywell", "johnson controls", "trane", "daikin",
        "lg", "samsung", "whirlpool", "bosch rexroth", "haas", "mazak", "okuma", "heidenhain", "kuka", "abb robotics",
        "universal robots", "festo", "keyence", "pilz", "phoenix contact", "wago", "b&r", "br automation",
        "ge", "ge fanuc", "modicon", "idec", "automationdirect", "durapulse", "gs20", "unitronics", "teco", "schmersal",
    ]
}
