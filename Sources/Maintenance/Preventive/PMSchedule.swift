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

/// What made a PM come due.
public enum PMCause: String, Sendable, Equatable, Codable {
    /// Its calendar date is within the lead window.
    case calendar
    /// Its meter reached the due reading.
    case meter
}

/// The rules of preventive maintenance: when the work order is created, and where the next one falls.
public enum PMCalendar {
    /// Whether a work order should be created now: `leadDays` before the due date, or when the meter has
    /// reached its due reading.
    public static func shouldGenerate(due: PMDue, leadDays: Int, now: Date, currentReading: Double?, calendar: Calendar) -> Bool {
        cause(due: due, leadDays: leadDays, now: now, currentReading: currentReading, calendar: calendar) != nil
    }

    /// Why the PM is due now, or nil when it is not. When both legs are due, the one with the earlier due date
    /// wins: the calendar date, or — for the meter — now plus the lead window (``dueDate(for:due:leadDays:now:calendar:)``).
    public static func cause(due: PMDue, leadDays: Int, now: Date, currentReading: Double?, calendar: Calendar) -> PMCause? {
        var calendarDue = false
        if let date = due.date, let start = calendar.date(byAdding: .day, value: -leadDays, to: date), now >= start { calendarDue = true }
        let meterDue = due.reading.map { reading in currentReading.map { $0 >= reading } ?? false } ?? false
        switch (calendarDue, meterDue) {
        case (true, true):
            let meterDate = dueDate(for: .meter, due: due, leadDays: leadDays, now: now, calendar: calendar)
            return (due.date ?? meterDate) <= meterDate ? .calendar : .meter
        case (true, false): return .calendar
        case (false, true): return .meter
        case (false, false): return nil
        }
    }

    /// The due date of the work order a PM makes now. Come due by the calendar: its date. Come due by the meter:
    /// now plus the lead window — the meter says the work is needed now, and the lead days are the time the
    /// schedule gives to plan and do it, as a calendar PM gets them before its date.
    public static func dueDate(for cause: PMCause, due: PMDue, leadDays: Int, now: Date, calendar: Calendar) -> Date {
        switch cause {
        case .calendar: due.date ?? now
        case .meter: calendar.date(byAdding: .day, value: leadDays, to: now) ?? now
        }
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

    /// The grace of a meter-only PM whose meter has no rate to go by (fewer than two readings a day or more
    /// apart before the due date): a week.
    public static let meterGraceWithoutRate: TimeInterval = 7 * 86_400

    /// SMRP 5.4.14 (PM compliance): a PM is on time when completed by its due date plus a grace of 20 % of its
    /// interval, at most 28 days. A meter-only PM's interval in time is the one its meter's recent rate implies
    /// (`every` ÷ units a day); with no rate, ``meterGraceWithoutRate``.
    public static func grace(for trigger: PMTrigger, meterRatePerDay: Double? = nil) -> TimeInterval {
        if let interval = trigger.calendar { return min(interval.nominalDays * 0.2, 28) * 86_400 }
        guard let meter = trigger.meter, let rate = meterRatePerDay, rate > 0 else { return meterGraceWithoutRate }
        return min(meter.every / rate * 0.2, 28) * 86_400
    }

    public static func isOnTime(completedAt: Date, dueDate: Date, trigger: PMTrigger, meterRatePerDay: Double? = nil) -> Bool {
        completedAt <= dueDate.addingTimeInterval(grace(for: trigger, meterRatePerDay: meterRatePerDay))
    }

    /// A meter's rate in units a day from `readings` (time, value), first to last; nil with fewer than two a day
    /// or more apart, or when the meter ran backwards.
    public static func dailyRate(_ readings: [(at: Date, value: Double)]) -> Double? {
        let sorted = readings.sorted { $0.at < $1.at }
        guard let first = sorted.first, let last = sorted.last else { return nil }
        let days = last.at.timeIntervalSince(first.at) / 86_400
        guard days >= 1, last.value > first.value else { return nil }
        return (last.value - first.value) / days
    }
}
