import Foundation
import Testing

@testable import Maintenance

@Suite("Preventive maintenance rules")
struct PMCalendarTests {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        return calendar
    }()

    static func day(_ text: String) -> Date {
        var components = DateComponents()
        let parts = text.split(separator: "-").compactMap { Int($0) }
        (components.year, components.month, components.day, components.hour) = (parts[0], parts[1], parts[2], 8)
        return calendar.date(from: components)!
    }

    static let meter = UUID()

    @Test(arguments: [
        (CalendarInterval.Unit.day, 10, "2026-01-01", "2026-01-11"),
        (.week, 2, "2026-01-01", "2026-01-15"),
        (.month, 1, "2026-01-31", "2026-02-28"),
        (.month, 3, "2026-11-30", "2027-02-28"),
        (.year, 1, "2028-02-29", "2029-02-28"),
    ])
    func calendarIntervalsAdvanceWithMonthEndsClamped(unit: CalendarInterval.Unit, every: Int, from: String, to: String) {
        #expect(CalendarInterval(every: every, unit: unit).advance(Self.day(from), in: Self.calendar) == Self.day(to))
    }

    @Test func aDaylightSavingChangeDoesNotShiftTheTimeOfDay() {
        // Berlin moves its clocks on 2026-03-29: a daily PM at 08:00 stays at 08:00.
        let next = CalendarInterval(every: 1, unit: .day).advance(Self.day("2026-03-28"), in: Self.calendar)
        #expect(Self.calendar.component(.hour, from: next) == 8)
        #expect(next == Self.day("2026-03-29"))
    }

    @Test func scheduledBasisKeepsTheRhythmAndCompletionBasisCountsFromTheWork() {
        let monthly = CalendarInterval(every: 1, unit: .month, basis: .scheduled)
        let due = PMDue(date: Self.day("2026-01-31"), reading: nil)
        let scheduled = PMCalendar.nextDue(
            trigger: .calendar(monthly), previous: due, completedAt: Self.day("2026-02-05"), readingAtCompletion: nil,
            calendar: Self.calendar)
        #expect(scheduled.date == Self.day("2026-02-28"))
        var fromCompletion = monthly
        fromCompletion.basis = .completion
        let completion = PMCalendar.nextDue(
            trigger: .calendar(fromCompletion), previous: due, completedAt: Self.day("2026-02-05"), readingAtCompletion: nil,
            calendar: Self.calendar)
        #expect(completion.date == Self.day("2026-03-05"))
    }

    @Test func aVeryLateCompletionDoesNotLeaveAPastDueDate() {
        let weekly = CalendarInterval(every: 1, unit: .week)
        let next = PMCalendar.nextDue(
            trigger: .calendar(weekly), previous: PMDue(date: Self.day("2026-01-01"), reading: nil), completedAt: Self.day("2026-01-20"),
            readingAtCompletion: nil, calendar: Self.calendar)
        #expect(next.date == Self.day("2026-01-22"))
    }

    @Test func theThirtyFirstStaysTheThirtyFirstAfterFebruary() {
        let monthly = CalendarInterval(every: 1, unit: .month)
        let anchor = PMDue(date: Self.day("2026-01-31"), reading: nil)
        let march = PMCalendar.nextDue(
            trigger: .calendar(monthly), previous: anchor, completedAt: Self.day("2026-03-01"), readingAtCompletion: nil,
            calendar: Self.calendar)
        #expect(march.date == Self.day("2026-03-31"))
    }

    @Test func meterPMsComeDueAtTheReadingAndMoveOnFromTheReadingAtCompletion() {
        let trigger = PMTrigger.meter(MeterInterval(meterID: Self.meter, every: 500))
        let due = PMDue(date: nil, reading: 1500)
        #expect(!PMCalendar.shouldGenerate(due: due, leadDays: 0, now: Date(), currentReading: 1499.9, calendar: Self.calendar))
        #expect(PMCalendar.shouldGenerate(due: due, leadDays: 0, now: Date(), currentReading: 1500, calendar: Self.calendar))
        let next = PMCalendar.nextDue(
            trigger: trigger, previous: due, completedAt: Date(), readingAtCompletion: 1530, calendar: Self.calendar)
        #expect(next == PMDue(date: nil, reading: 2030))
    }

    @Test func whicheverComesFirstGeneratesOnEitherAndMovesBoth() {
        let trigger = PMTrigger.whicheverFirst(CalendarInterval(every: 3, unit: .month), MeterInterval(meterID: Self.meter, every: 250))
        let due = PMDue(date: Self.day("2026-06-01"), reading: 1000)
        let early = Self.day("2026-03-10")
        #expect(!PMCalendar.shouldGenerate(due: due, leadDays: 7, now: early, currentReading: 900, calendar: Self.calendar))
        #expect(PMCalendar.shouldGenerate(due: due, leadDays: 7, now: early, currentReading: 1001, calendar: Self.calendar))
        #expect(PMCalendar.shouldGenerate(due: due, leadDays: 7, now: Self.day("2026-05-25"), currentReading: 900, calendar: Self.calendar))
        #expect(
            !PMCalendar.shouldGenerate(due: due, leadDays: 7, now: Self.day("2026-05-24"), currentReading: 900, calendar: Self.calendar))
        let next = PMCalendar.nextDue(
            trigger: trigger, previous: due, completedAt: Self.day("2026-04-02"), readingAtCompletion: 1010, calendar: Self.calendar)
        #expect(next == PMDue(date: Self.day("2026-09-01"), reading: 1260))
    }

    @Test(arguments: [
        // (interval, days late, on time?) — grace is 20 % of the interval, at most 28 days (SMRP 5.4.14).
        (CalendarInterval(every: 10, unit: .day), 2.0, true),
        (CalendarInterval(every: 10, unit: .day), 2.1, false),
        (CalendarInterval(every: 1, unit: .month), 6.0, true),
        (CalendarInterval(every: 1, unit: .month), 6.2, false),
        (CalendarInterval(every: 1, unit: .year), 28.0, true),
        (CalendarInterval(every: 1, unit: .year), 28.1, false),
    ])
    func complianceAllowsTwentyPercentGraceCappedAt28Days(interval: CalendarInterval, daysLate: Double, onTime: Bool) {
        let due = Self.day("2026-05-01")
        let completed = due.addingTimeInterval(daysLate * 86_400)
        #expect(PMCalendar.isOnTime(completedAt: completed, dueDate: due, trigger: .calendar(interval)) == onTime)
    }

    @Test func aMeterOnlyPMsGraceIsTwentyPercentOfTheTimeItsMetersRateImplies() {
        let trigger = PMTrigger.meter(MeterInterval(meterID: Self.meter, every: 500))
        // 10 units a day: the 500-unit interval is 50 days, so the grace is 10 days.
        #expect(PMCalendar.grace(for: trigger, meterRatePerDay: 10) == 10 * 86_400)
        // 1 unit a day: 500 days, capped at 28.
        #expect(PMCalendar.grace(for: trigger, meterRatePerDay: 1) == 28 * 86_400)
        // No rate to go by: a week.
        #expect(PMCalendar.grace(for: trigger) == 7 * 86_400)
        let due = Self.day("2026-05-01")
        #expect(PMCalendar.isOnTime(completedAt: due.addingTimeInterval(9 * 86_400), dueDate: due, trigger: trigger, meterRatePerDay: 10))
        #expect(!PMCalendar.isOnTime(completedAt: due.addingTimeInterval(11 * 86_400), dueDate: due, trigger: trigger, meterRatePerDay: 10))
    }

    @Test func aMetersDailyRateNeedsTwoReadingsADayApart() {
        let start = Self.day("2026-05-01")
        #expect(PMCalendar.dailyRate([(start, 100), (start.addingTimeInterval(10 * 86_400), 300)]) == 20)
        #expect(PMCalendar.dailyRate([(start, 100)]) == nil)
        #expect(PMCalendar.dailyRate([(start, 100), (start.addingTimeInterval(3600), 300)]) == nil)
        #expect(PMCalendar.dailyRate([(start, 300), (start.addingTimeInterval(5 * 86_400), 100)]) == nil)
    }

    @Test func whicheverComesFirstIsDueByTheLegThatCameFirstAndAMeterDueDateIsNowPlusTheLead() {
        let now = Self.day("2026-05-01")
        let far = PMDue(date: Self.day("2026-11-17"), reading: 1000)
        // The meter got there 200 days before the calendar date: due by the meter, now plus the lead.
        #expect(PMCalendar.cause(due: far, leadDays: 3, now: now, currentReading: 1001, calendar: Self.calendar) == .meter)
        #expect(PMCalendar.dueDate(for: .meter, due: far, leadDays: 3, now: now, calendar: Self.calendar) == Self.day("2026-05-04"))
        // The calendar date came first (inside the lead window) and is earlier than now plus the lead.
        let near = PMDue(date: Self.day("2026-05-02"), reading: 1000)
        #expect(PMCalendar.cause(due: near, leadDays: 3, now: now, currentReading: 1001, calendar: Self.calendar) == .calendar)
        #expect(PMCalendar.dueDate(for: .calendar, due: near, leadDays: 3, now: now, calendar: Self.calendar) == Self.day("2026-05-02"))
        #expect(PMCalendar.cause(due: far, leadDays: 3, now: now, currentReading: 999, calendar: Self.calendar) == nil)
    }
}
