import Foundation

/// How often a preventive task comes round.
public enum PMTrigger: Sendable, Equatable, Codable {
    /// Every N days, weeks, months or years.
    case calendar(CalendarInterval)
    /// Every N units of a meter (hours run, kilometres, cycles).
    case meter(MeterInterval)
    /// Whichever of the two comes first.
    case whicheverFirst(CalendarInterval, MeterInterval)

    public var calendar: CalendarInterval? {
        switch self {
        case .calendar(let interval), .whicheverFirst(let interval, _): interval
        case .meter: nil
        }
    }

    public var meter: MeterInterval? {
        switch self {
        case .meter(let interval), .whicheverFirst(_, let interval): interval
        case .calendar: nil
        }
    }
}

public struct CalendarInterval: Sendable, Equatable, Codable {
    public enum Unit: String, Sendable, CaseIterable, Codable { case day, week, month, year }

    /// Whether the next due date counts from the date the task was due, or from the day it was done.
    /// `scheduled` keeps a fixed rhythm (every 1st of the month); `completion` keeps a fixed gap after the work.
    public enum Basis: String, Sendable, CaseIterable, Codable { case scheduled, completion }

    public var every: Int
    public var unit: Unit
    public var basis: Basis

    public init(every: Int, unit: Unit, basis: Basis = .scheduled) {
        self.every = every
        self.unit = unit
        self.basis = basis
    }

    /// `date` moved on by `count` intervals in `calendar`. Month ends clamp: 31 January + 1 month is the last
    /// day of February, and the rhythm stays anchored to the original day-of-month (see ``PMCalendar``).
    public func advance(_ date: Date, by count: Int = 1, in calendar: Calendar) -> Date {
        let component: Calendar.Component
        var amount = every * count
        switch unit {
        case .day: component = .day
        case .week:
            component = .day
            amount *= 7
        case .month: component = .month
        case .year: component = .year
        }
        return calendar.date(byAdding: component, value: amount, to: date) ?? date
    }

    /// The interval's nominal length in days (a month counts 30.44 days, a year 365.25), for grace periods.
    public var nominalDays: Double {
        switch unit {
        case .day: Double(every)
        case .week: Double(every) * 7
        case .month: Double(every) * 30.436875
        case .year: Double(every) * 365.2425
        }
    }
}

public struct MeterInterval: Sendable, Equatable, Codable {
    public var meterID: UUID
    public var every: Double

    public init(meterID: UUID, every: Double) {
        self.meterID = meterID
        self.every = every
    }
}

/// When a PM is next due: a date, a meter reading, or both (whichever comes first).
public struct PMDue: Sendable, Equatable, Codable {
    public var date: Date?
    public var reading: Double?

    public init(date: Date?, reading: Double?) {
        self.date = date
        self.reading = reading
    }
}

/// The rules of preventive maintenance: when the work order is created, and where the next one falls.
public enum PMCalendar {
    /// Whether a work order should be created now: `leadDays` before the due date, or when the meter has
    /// reached its due reading.
    public static func shouldGenerate(due: PMDue, leadDays: Int, now: Date, currentReading: Double?, calendar: Calendar) -> Bool {
        if let date = due.date, let start = calendar.date(byAdding: .day, value: -leadDays, to: date), now >= start {
            return true
        }
        if let reading = due.reading, let currentReading, currentReading >= reading {
            return true
        }
        return false
    }

    /// The next due point after a PM work order is completed.
    ///
    /// - Calendar, `scheduled` basis: the previous due date plus one interval — and if that is already past
    ///   (the work was very late), as many intervals as needed to land after the completion, so one late job
    ///   does not leave a trail of overdue ones.
    /// - Calendar, `completion` basis: the completion date plus one interval.
    /// - Meter: the reading at completion plus one interval.
    public static func nextDue(
        trigger: PMTrigger, previous: PMDue, completedAt: Date, readingAtCompletion: Double?, calendar: Calendar
    ) -> PMDue {
        var next = PMDue(date: nil, reading: nil)
        if let interval = trigger.calendar {
            switch interval.basis {
            case .completion:
                next.date = interval.advance(completedAt, in: calendar)
            case .scheduled:
                let anchor = previous.date ?? completedAt
                var count = 1
                var candidate = interval.advance(anchor, by: count, in: calendar)
                // Advancing from the anchor (not step by step) keeps a 31st-of-the-month rhythm after February.
                while candidate <= completedAt && count < 10_000 {
                    count += 1
                    candidate = interval.advance(anchor, by: count, in: calendar)
                }
                next.date = candidate
            }
        }
        if let interval = trigger.meter {
            let base = readingAtCompletion ?? previous.reading.map { $0 } ?? 0
            next.reading = base + interval.every
        }
        return next
    }

    /// SMRP 5.4.14 (PM compliance): a PM is on time when completed by its due date plus a grace of 20 % of its
    /// interval, at most 28 days. Meter-only PMs have no calendar interval and get no grace.
    public static func grace(for trigger: PMTrigger) -> TimeInterval {
        guard let interval = trigger.calendar else { return 0 }
        return min(interval.nominalDays * 0.2, 28) * 86_400
    }

    public static func isOnTime(completedAt: Date, dueDate: Date, trigger: PMTrigger) -> Bool {
        completedAt <= dueDate.addingTimeInterval(grace(for: trigger))
    }
}
