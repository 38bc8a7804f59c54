import Foundation

/// Turns what a technician types ("Conveyor 3 drive tripped F004 again, urgent") into a ``WorkOrderDraft``: the
/// asset, priority, type and fault codes, each with the words that led to it. Deterministic: the same text and
/// assets always give the same draft; no clock, no randomness, no model.
///
/// **Priority**, from the highest tier of signal present (see ``PriorityTier``):
/// 1. stated: "priority: low", "high priority", "P1"…"P4" (P1 critical, P2 high, P3 medium, P4 low);
/// 2. critical: safety ("fire", "smoke", "injured", "flood", "safety hazard", "gas leak") and production
///    ("line down", "line 2 is down", "production stopped", "plant down", "critical");
/// 3. timing: "urgent", "asap", "immediately", "right away" → high; "when you can", "whenever", "no rush",
///    "not urgent", "not an emergency" → low;
/// 4. condition: "down", "stopped", "not running", "won't start", and a repeat failure ("again", "keeps
///    tripping") → high; "minor", "cosmetic" → low;
/// 5. otherwise by type: corrective and emergency medium, preventive and inspection low (planned work waits for
///    its window), request none (nothing says anything; a planner sets it).
///
/// Negation counts: "not urgent" is low, and "nobody injured" or "no smoke" is no emergency.
///
/// **Type**, first that applies:
/// 1. emergency: a safety word, because making safe comes before everything;
/// 2. corrective: a fault code or a failure word ("tripped", "leaking", "broken", "noise", "alarm"): something
///    is wrong now, even when the text also says "check" or "PM". A symptom after "for" in planned work is
///    what to look for, not a report ("check for leaks");
/// 3. preventive: "PM", "lubricate", "grease", "replace filter", "scheduled", "service due";
/// 4. inspection: "inspect", "check", "look at", "audit", "test";
/// 5. request: anything else ("please install a new shelf").
///
/// **Empty text** gives an empty title and description, no asset, priority none and type request.
public enum WorkOrderTextParser {
    /// The score an asset needs to be proposed; below it, it is only an alternative. 0.5 accepts the head noun of
    /// a name of up to three words ("compressor" for "Air Compressor 1": 0.63) and a brand with its number
    /// ("bambu 7" for "Bambu X1C Printer 7": 0.54), and rejects a lone modifier ("air": 0.38, "hydraulic": 0.48).
    public static let assetThreshold = 0.5
    /// Candidates scoring less are not shown at all.
    public static let alternativeFloor = 0.3

    /// The draft for `text`, matching against `assets`.
    public static func draft(from text: String, assets: [AssetCandidate]) -> WorkOrderDraft {
        let description = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty else {
            return WorkOrderDraft(
                title: "", description: "", asset: nil, alternatives: [], priority: .none, type: .request, faultCodes: [], signals: [])
        }
        let tokens = TextNormalisation.tokens(in: description)
        let faultCodes = FaultCodeExtractor.codes(in: description)
        let phrases = PhraseMatcher.matches(in: tokens)
        let quote = { (match: PhraseMatch) in
            "'\(description[tokens[match.span.lowerBound].range.lowerBound..<tokens[match.span.upperBound].range.upperBound])'"
        }
        let type = classifyType(phrases, tokens: tokens, faultCodes: faultCodes, quote: quote)
        let priority = classifyPriority(phrases, type: type.value, quote: quote)
        let asset = AssetMatcher.match(tokens, in: description, assets: assets, threshold: assetThreshold, floor: alternativeFloor)
        let ignored = phrases.filter { $0.isNegated && $0.rule.whenNegated == nil && ($0.rule.priority != nil || $0.rule.type != nil) }
        let signals = [priority.signal, type.signal] + [asset.signal].compactMap { $0 } + ignored.map { "ignored \(quote($0)): negated" }
        return WorkOrderDraft(
            title: title(for: description, tokens: tokens), description: description, asset: asset.best, alternatives: asset.alternatives,
            priority: priority.value, type: type.value, faultCodes: faultCodes, signals: signals)
    }

    /// A conclusion and the reason to show for it.
    struct Classified<Value: Sendable>: Sendable {
        var value: Value
        var signal: String
    }

    static func classifyType(
        _ phrases: [PhraseMatch], tokens: [TextToken], faultCodes: [String], quote: (PhraseMatch) -> String
    ) -> Classified<WorkOrderType> {
        let live = phrases.filter { !$0.isNegated }
        func with(_ type: WorkOrderType) -> [PhraseMatch] { live.filter { $0.rule.type == type } }
        func reason(_ type: WorkOrderType, _ matches: [PhraseMatch], codes: [String] = []) -> Classified<WorkOrderType> {
            let reasons = matches.map(quote) + codes.map { "fault code \($0)" }
            return Classified(value: type, signal: "type \(type.rawValue): \(reasons.joined(separator: ", "))")
        }
        let emergency = with(.emergency)
        if !emergency.isEmpty { return reason(.emergency, emergency) }
        let preventive = with(.preventive)
        let inspection = with(.inspection)
        let planned = !preventive.isEmpty || !inspection.isEmpty
        let corrective = with(.corrective).filter { !(planned && isLookedFor($0, tokens: tokens)) }
        if !corrective.isEmpty || !faultCodes.isEmpty { return reason(.corrective, corrective, codes: faultCodes) }
        if !preventive.isEmpty { return reason(.preventive, preventive) }
        if !inspection.isEmpty { return reason(.inspection, inspection) }
        return Classified(value: .request, signal: "type request: no fault, PM or inspection words")
    }

    /// "check for leaks", "inspect for any damage", "signs of wear": the symptom is what to look for.
    private static func isLookedFor(_ match: PhraseMatch, tokens: [TextToken]) -> Bool {
        let start = match.tokens.lowerBound
        guard start > 0, !tokens[start].startsClause else { return false }
        return ["for", "any", "of"].contains(tokens[start - 1].key)
    }

    static func classifyPriority(_ phrases: [PhraseMatch], type: WorkOrderType, quote: (PhraseMatch) -> String) -> Classified<
        WorkOrderPriority
    > {
        var found: [(priority: WorkOrderPriority, tier: PriorityTier, match: PhraseMatch)] = []
        for match in phrases {
            if match.isNegated {
                // "not urgent" speaks about timing even when "urgent" would have been critical ("not an emergency").
                if let priority = match.rule.whenNegated {
                    found.append((priority, match.rule.tier == .explicit ? .explicit : .urgency, match))
                }
                continue
            }
            guard let priority = match.rule.priority else { continue }
            if match.rule.onlyForFaults && type != .corrective && type != .emergency { continue }
            found.append((priority, match.rule.tier, match))
        }
        if let tier = found.map(\.tier).max(), let priority = found.filter({ $0.tier == tier }).map(\.priority).max() {
            let deciding = found.filter { $0.tier == tier && $0.priority == priority }.map { quote($0.match) }
            let stated = tier == .explicit ? "stated " : ""
            return Classified(value: priority, signal: "priority \(priority.rawValue): \(stated)\(deciding.joined(separator: ", "))")
        }
        switch type {
        case .corrective, .emergency: return Classified(value: .medium, signal: "priority medium: default for corrective work")
        case .preventive, .inspection: return Classified(value: .low, signal: "priority low: default for planned work")
        case .request: return Classified(value: .none, signal: "priority none: nothing says how urgent")
        }
    }
}
