import Foundation
import Vapor

/// Rate limits sign-in by client address: at most `limit` attempts in a sliding `window`.
///
/// Per-account lock-out lives on the user row (it must survive restarts and hold across replicas); the
/// per-address window is kept in memory, which on several replicas means each replica counts its own share.
actor AddressRateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private var attempts: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Records an attempt; returns the seconds to wait when the address is over its limit.
    func attempt(from address: String, now: Date = Date()) -> Int? {
        var recent = (attempts[address] ?? []).filter { now.timeIntervalSince($0) < window }
        if recent.count >= limit, let oldest = recent.first {
            attempts[address] = recent
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
        recent.append(now)
        attempts[address] = recent
        if attempts.count > 10_000 { attempts = attempts.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < window } }
        return nil
    }
}
