import Foundation
import Testing

@testable import Maintenance

@Suite("Stock arithmetic")
struct StockArithmeticTests {
    @Test("a change adds, a count sets, and the movement records the difference")
    func changesAndCounts() {
        #expect(
            StockArithmetic.apply(change: -3, isCount: false, quantity: 10, reserved: 0, allowNegative: false)
                == .success(.init(delta: -3, quantity: 7, reserved: 0)))
        #expect(
            StockArithmetic.apply(change: 4, isCount: true, quantity: 10, reserved: 0, allowNegative: false)
                == .success(.init(delta: -6, quantity: 4, reserved: 0)))
        #expect(
            StockArithmetic.apply(change: 12, isCount: true, quantity: 10, reserved: 0, allowNegative: false)
                == .success(.init(delta: 2, quantity: 12, reserved: 0)))
    }

    @Test("stock may not go below zero unless allowed, and float noise is not a shortage")
    func belowZero() {
        #expect(
            StockArithmetic.apply(change: -5, isCount: false, quantity: 4, reserved: 0, allowNegative: false)
                == .failure(.belowZero(onHand: 4, taking: 5)))
        #expect(
            StockArithmetic.apply(change: -5, isCount: false, quantity: 4, reserved: 0, allowNegative: true)
                == .success(.init(delta: -5, quantity: -1, reserved: 0)))
        // 0.1 + 0.2 on the shelf, 0.3 taken: nothing left, not a refusal and not 5.5e-17.
        #expect(
            StockArithmetic.apply(change: -0.3, isCount: false, quantity: 0.1 + 0.2, reserved: 0, allowNegative: false)
                == .success(.init(delta: -0.3, quantity: 0, reserved: 0)))
    }

    @Test("an issue uses up its reservation, never below zero")
    func reservations() {
        #expect(
            StockArithmetic.apply(change: -2, isCount: false, fromReserved: 2, quantity: 5, reserved: 3, allowNegative: false)
                == .success(.init(delta: -2, quantity: 3, reserved: 1)))
        #expect(
            StockArithmetic.apply(change: -2, isCount: false, fromReserved: 4, quantity: 5, reserved: 3, allowNegative: false)
                == .success(.init(delta: -2, quantity: 3, reserved: 0)))
    }

    @Test("low is below the minimum; the reorder is the set quantity, else up to the maximum or minimum, at least one")
    func lowAndReorder() {
        #expect(StockArithmetic.isLow(quantity: 1.9, minimum: 2))
        #expect(!StockArithmetic.isLow(quantity: 2, minimum: 2))
        #expect(StockArithmetic.reorderQuantity(quantity: 1, minimum: 2, maximum: 10, reorder: 6) == 6)
        #expect(StockArithmetic.reorderQuantity(quantity: 1, minimum: 2, maximum: 10, reorder: nil) == 9)
        #expect(StockArithmetic.reorderQuantity(quantity: 1, minimum: 4, maximum: nil, reorder: nil) == 3)
        #expect(StockArithmetic.reorderQuantity(quantity: 1.5, minimum: 2, maximum: nil, reorder: nil) == 1)
    }
}
