import Foundation
import Testing

@testable import Maintenance

@Suite("PM compliance")
struct PMComplianceTests {
    static let day = 86_400.0
    static let due = Date(timeIntervalSince1970: 1_800_000_000)
    /// Every 30 days: a grace of 6 days.
    static let monthly = PMTrigger.calendar(CalendarInterval(every: 30, unit: .day, basis: .scheduled))

    @Test("on time within the grace, late past it, not completed without a date, nothing due is no figure")
    func tally() {
        let orders: [PMCompliance.Order] = [
            .init(dueAt: Self.due, completedAt: Self.due.addingTimeInterval(-Self.day), trigger: Self.monthly),
            .init(dueAt: Self.due, completedAt: Self.due.addingTimeInterval(5 * Self.day), trigger: Self.monthly),
            .init(dueAt: Self.due, completedAt: Self.due.addingTimeInterval(7 * Self.day), trigger: Self.monthly),
            .init(dueAt: Self.due, completedAt: nil, trigger: Self.monthly),
            // Its schedule is gone: due, and not counted as done on time or late.
            .init(dueAt: Self.due, completedAt: Self.due, trigger: nil),
        ]
        let result = PMCompliance(orders)
        #expect((result.due, result.onTime, result.late, result.notCompleted) == (5, 2, 1, 2))
        #expect(result.share == 0.4)
        #expect(PMCompliance([]).share == nil)
    }
}
