import Foundation

/// PM compliance over a period (SMRP metric 5.4.14): of the PM work orders due in it, how many were completed by
/// their due date plus the grace ``PMCalendar/isOnTime(completedAt:dueDate:trigger:meterRatePerDay:)`` allows,
/// how many late, how many not at all. No I/O: the app reads the work orders and meter rates and tallies here.
public struct PMCompliance: Sendable, Equatable {
    /// One PM work order due in the period.
    public struct Order: Sendable {
        public var dueAt: Date
        public var completedAt: Date?
        /// Its schedule's trigger; an order whose schedule is gone counts as due and not completed on time.
        public var trigger: PMTrigger?
        /// For a meter-only trigger: the meter's units a day before the due date, if known.
        public var meterRatePerDay: Double?

        public init(dueAt: Date, completedAt: Date?, trigger: PMTrigger?, meterRatePerDay: Double? = nil) {
            self.dueAt = dueAt
            self.completedAt = completedAt
            self.trigger = trigger
            self.meterRatePerDay = meterRatePerDay
        }
    }

    public static let rule =
        "SMRP 5.4.14: on time when completed by the due date plus 20% of the interval, at most 28 days; a meter-only PM's interval is the time its meter's rate over the 90 days before the due date implies (a week's grace without a rate)"

    public var due: Int
    public var onTime: Int
    public var late: Int
    public var notCompleted: Int { due - onTime - late }
    /// onTime / due, 0…1; nil when nothing was due.
    public var share: Double? { due == 0 ? nil : Double(onTime) / Double(due) }

    public init(_ orders: [Order]) {
        due = orders.count
        onTime = 0
        late = 0
        for order in orders {
            guard let completedAt = order.completedAt, let trigger = order.trigger else { continue }
            if PMCalendar.isOnTime(completedAt: completedAt, dueDate: order.dueAt, trigger: trigger, meterRatePerDay: order.meterRatePerDay)
            {
                onTime += 1
            } else {
                late += 1
            }
        }
    }
}
