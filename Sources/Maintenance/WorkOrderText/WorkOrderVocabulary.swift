/// The words technicians use for urgency and kind of work, and what each says. Phrases are written as token
/// keys: lower case, no apostrophes ("wont start"), `*` for up to two words in between ("line * down" also
/// reads "line 2 is down").
enum WorkOrderVocabulary {
    private struct Effect {
        var priority: WorkOrderPriority?
        var tier: PriorityTier = .condition
        var type: WorkOrderType?
        var whenNegated: WorkOrderPriority?
        var onlyForFaults = false
        var notAfterNumber = false

        static func explicit(_ priority: WorkOrderPriority) -> Effect {
            Effect(priority: priority, tier: .explicit, whenNegated: priority >= .high ? .low : nil)
        }
    }

    private static let groups: [([String], Effect)] = [
        // A stated priority outranks every inferred word. P1–P4 follow the usual CMMS scale (P1 emergency … P4 low).
        (
            [
                "priority critical", "priority emergency", "priority 1", "priority 0", "prio 1", "prio critical", "p0", "p1",
                "critical priority", "emergency priority",
            ], .explicit(.critical)
        ),
        (
            [
                "priority high", "priority urgent", "priority 2", "prio 2", "prio high", "p2", "high priority", "high prio",
                "top priority", "urgent priority",
            ], .explicit(.high)
        ),
        (
            [
                "priority medium", "priority med", "priority normal", "priority 3", "prio 3", "prio medium", "prio normal", "p3",
                "medium priority", "med priority", "normal priority", "medium prio", "normal prio",
            ], .explicit(.medium)
        ),
        (["priority low", "priority 4", "priority 5", "prio 4", "prio low", "p4", "p5", "low priority", "low prio"], .explicit(.low)),

        // Safety first: a person or the building at risk makes an emergency whatever else the text says.
        (
            [
                "fire", "on fire", "caught fire", "flames", "smoke", "smoking", "injury", "injuries", "injured", "hurt", "bleeding",
                "first aid", "flood", "flooding", "flooded", "hazard", "hazardous", "safety hazard", "trip hazard", "slip hazard",
                "safety issue", "unsafe", "gas leak", "gas smell", "smell gas", "smell of gas", "smells like gas", "sparks",
                "sparking", "arcing", "arc flash", "electric shock", "electrical shock", "electrocuted", "explosion", "exploded",
                "fire alarm going off", "fire alarm sounding", "fire alarm activated", "fire alarm triggered", "injure", "injures",
                "injuring", "safety risk", "safety concern", "safety guard missing", "guard missing", "guard removed",
                "interlock bypassed", "safety interlock bypassed",
            ], Effect(priority: .critical, tier: .critical, type: .emergency)
        ),
        (["emergency"], Effect(priority: .critical, tier: .critical, type: .emergency, whenNegated: .low)),
        // A stopped line or plant costs more than any one machine: critical, though not a safety emergency.
        (
            [
                "line down", "line * down", "line * stopped", "lines down", "production stopped", "production down",
                "production * stopped", "production * down", "production halted", "stopped production", "plant down",
                "plant * down", "plant stopped", "whole line", "all lines",
            ], Effect(priority: .critical, tier: .critical, type: .corrective)
        ),
        (["critical"], Effect(priority: .critical, tier: .critical, whenNegated: .low)),

        // What the person says about timing.
        (
            [
                "urgent", "urgently", "asap", "as soon as possible", "immediately", "immediate", "right away", "straight away",
                "at once", "important",
            ], Effect(priority: .high, tier: .urgency, whenNegated: .low)
        ),
        (
            [
                "when you can", "when you get a chance", "when you have a chance", "when you have time", "when you get time",
                "when possible", "when convenient", "whenever", "no rush", "no hurry", "not a priority", "at some point",
                "eventually", "nice to have", "can wait", "low urgency",
            ], Effect(priority: .low, tier: .urgency)
        ),

        // The machine has stopped doing its job: high, and corrective.
        (
            [
                "down", "went down", "broke down", "broken down", "stopped", "has stopped", "not running", "isnt running",
                "wont * run", "stopped running", "wont * start", "will not start", "doesnt start", "does not start",
                "didnt start", "cant start", "cannot start", "can not start", "not starting", "fails to start", "failed to start",
                "wont turn on", "wont power on", "no power", "dead", "out of service", "out of order", "seized", "seized up",
                "burning", "burnt", "burned", "burning smell", "not moving", "wont move", "nothing works", "nothing is working",
            ], Effect(priority: .high, tier: .condition, type: .corrective)
        ),
        // A repeat failure is worth more attention than a first one.
        (
            [
                "again", "once again", "again and again", "keeps", "keep", "repeatedly", "recurring", "constantly", "every time",
                "second time", "2nd time", "third time", "3rd time",
            ], Effect(priority: .high, tier: .condition, onlyForFaults: true)
        ),
        (["minor", "cosmetic", "slight", "slightly"], Effect(priority: .low, tier: .condition)),

        // Something is wrong: corrective work, priority left to the rest of the text.
        (
            [
                "fault", "faults", "faulted", "faulting", "faulty", "failure", "failed", "fail", "fails", "failing", "broken",
                "broke", "error", "errors", "alarm", "alarms", "alarming", "leak", "leaks", "leaking", "leaky", "drip", "dripping",
                "tripped", "trips", "tripping", "trip", "noise", "noises", "noisy", "loud", "vibration", "vibrations", "vibrating",
                "vibrates", "shaking", "overheating", "overheated", "overheat", "overheats", "too hot", "running hot", "squealing",
                "squeaking", "squeal", "squeak", "grinding", "knocking", "rattling", "rattle", "banging", "jammed", "jam", "jams",
                "jamming", "stuck", "cracked", "crack", "torn", "damaged", "damage", "bent", "burst", "blown", "blew", "worn",
                "loose", "misaligned", "slipping", "clogged", "blocked", "blockage", "not working", "doesnt work",
                "does not work", "isnt working", "stopped working", "quit working", "not heating", "wont heat", "not cooling",
                "wont cool", "not homing", "wont home", "under extruding", "underextruding", "under extrusion", "spaghetti",
                "layer shift", "layer shifting", "warping", "warped", "crashed", "overcurrent", "overvoltage", "undervoltage",
                "overload", "overloaded", "short circuit", "shorted", "low pressure", "pressure low", "repair", "fix", "fixing",
                "replace", "replaced", "replacing", "replacement", "malfunction", "malfunctioning", "defective", "problem",
                "problems", "issue", "issues", "lost comms", "lost communication", "comms loss", "comm loss",
                "communication loss", "no comms", "no communication", "scratch", "scratched", "dent", "dented", "slow",
                "running slow", "intermittent", "intermittently", "erratic", "flickering", "sticking", "wont open", "wont close",
                "not opening", "not closing", "offline", "not responding", "unresponsive", "frozen", "missing", "flat tyre",
                "flat tire", "puncture", "alarm going off",
            ], Effect(type: .corrective)
        ),

        // Planned upkeep.
        (
            [
                "pms", "preventive", "preventative", "planned maintenance", "lubricate", "lubrication", "lube", "grease",
                "greasing", "regrease", "oil change", "change * oil", "replace * filter", "replace * filters", "change * filter",
                "change * filters", "filter change", "filter replacement", "scheduled", "schedule", "service due",
                "due * service", "service", "servicing", "annual", "monthly", "weekly", "quarterly", "yearly", "routine",
                "calibrate", "calibration", "clean", "cleaning", "top up", "overhaul",
            ], Effect(type: .preventive)
        ),
        (["pm"], Effect(type: .preventive, notAfterNumber: true)),

        // Look, do not touch.
        (
            [
                "inspect", "inspection", "inspections", "inspected", "check", "checks", "checking", "checked", "check on",
                "look at", "look over", "take a look", "have a look", "audit", "survey", "walk down", "walkdown",
                "walk through", "walkthrough", "test", "testing", "verify", "assess", "assessment", "examine", "evaluate",
                "thermography", "thermal scan", "ir scan", "vibration analysis", "vibration route", "vibration readings",
                "oil analysis", "oil sample",
            ], Effect(type: .inspection)
        ),

        // Equipment and idioms that contain a signal word without meaning it: inspecting the fire extinguishers is
        // not a fire, an emergency-stop button is not an emergency, "shut down for the PM" is not a breakdown.
        (
            [
                "fire alarm", "fire alarms", "fire extinguisher", "fire extinguishers", "fire door", "fire doors", "fire pump",
                "fire panel", "fire sprinkler", "fire sprinklers", "fire suppression", "fire hose", "fire exit", "fire drill",
                "fire marshal", "fire damper", "fire dampers", "fire hydrant", "fire up", "smoke detector", "smoke detectors",
                "smoke alarm", "smoke alarms", "smoke damper", "smoke dampers", "smoke test", "smoke break", "flood light",
                "flood lights", "flood lamp", "emergency stop", "emergency stops", "emergency light", "emergency lights",
                "emergency lighting", "emergency exit", "emergency exits", "emergency shower", "emergency generator",
                "emergency button", "shut down", "slow down", "turn down", "upside down", "cool down", "calm down", "wind down",
                "step down", "power down", "write down", "down time", "check valve", "check valves",
            ], Effect()
        ),
    ]

    static let rules: [PhraseRule] = groups.flatMap { phrases, effect in
        phrases.map { phrase in
            PhraseRule(
                words: phrase.split(separator: " ").map(String.init), priority: effect.priority, tier: effect.tier, type: effect.type,
                whenNegated: effect.whenNegated, onlyForFaults: effect.onlyForFaults, notAfterNumber: effect.notAfterNumber)
        }
    }

    /// The rules grouped by their first word, for the matcher's lookup.
    static let rulesByFirstWord: [String: [PhraseRule]] = Dictionary(grouping: rules) { $0.words[0] }

    /// Words that may open or close a text without saying what is wrong; the title leaves them out. The timing
    /// and stated-priority phrases come from the rules above, so the two lists cannot drift apart.
    static let titleFluff: [[String]] = {
        let courtesy = [
            "hi", "hey", "hello", "team", "guys", "good morning", "fyi", "please", "pls", "plz", "kindly", "thanks",
            "thank you", "thx", "ty", "cheers", "can you", "could you", "can someone", "could someone", "can somebody",
            "if possible", "if you can", "now", "right now", "again", "critical", "not urgent", "non urgent", "not important",
            "whenever you get a chance", "whenever you can",
        ]
        let urgency = rules.filter { ($0.tier == .urgency || $0.tier == .explicit) && !$0.words.contains("*") }.map(\.words)
        return courtesy.map { $0.split(separator: " ").map(String.init) } + urgency
    }()
}
