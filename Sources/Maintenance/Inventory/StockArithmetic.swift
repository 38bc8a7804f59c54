/// The arithmetic of one stock level: what a change does to the quantity on hand and the reserved quantity,
/// when it is refused, when the level is low, and how much to reorder. No I/O; the app's `Stock.apply` writes
/// what this decides.
public enum StockArithmetic {
    /// Quantities closer to zero than this are zero: float noise (0.1 + 0.2) must not refuse taking the last
    /// 0.3 m of cable, nor leave 0.000000001 m on the shelf.
    public static let tolerance = 1e-9

    /// A level after a change.
    public struct Applied: Equatable, Sendable {
        /// The signed change the movement records (for a count: counted minus on hand).
        public var delta: Double
        public var quantity: Double
        public var reserved: Double
    }

    /// Why a change cannot be made.
    public enum Refusal: Error, Equatable, Sendable {
        /// It would take the level below zero, which the organization does not allow.
        case belowZero(onHand: Double, taking: Double)
    }

    /// Applies a change to a level with `quantity` on hand and `reserved` held: a `count` sets the quantity to
    /// `change`; anything else adds `change` (negative to take). `fromReserved` is how much of a reservation an
    /// issue uses up; the reserved quantity never goes below zero.
    public static func apply(
        change: Double, isCount: Bool, fromReserved: Double = 0, quantity: Double, reserved: Double, allowNegative: Bool
    ) -> Result<Applied, Refusal> {
        let delta = isCount ? change - quantity : change
        let after = quantity + delta
        if after < -tolerance, !allowNegative { return .failure(.belowZero(onHand: quantity, taking: abs(delta))) }
        return .success(Applied(delta: delta, quantity: abs(after) < tolerance ? 0 : after, reserved: max(0, reserved - fromReserved)))
    }

    /// Whether a level is below its minimum.
    public static func isLow(quantity: Double, minimum: Double) -> Bool { quantity < minimum }

    /// How much to order for a low level: its reorder quantity if set, else enough to reach the maximum (or the
    /// minimum when there is none), and at least one.
    public static func reorderQuantity(quantity: Double, minimum: Double, maximum: Double?, reorder: Double?) -> Double {
        reorder ?? max((maximum ?? minimum) - quantity, 1)
    }
}
