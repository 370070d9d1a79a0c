import Foundation

/// Where the run reads the time and waits: the system's clocks in production, a virtual one
/// in tests, so quiet hours, back-off and the rate limit are tested without waiting.
///
/// Two readings, each for what it is good at: the wall clock (`Date`) for Beijing-time
/// rules and for times the ledger keeps across runs; a monotonic instant for intervals —
/// the rate limiter and latency — which a wall-clock step must never stretch or shrink.
public protocol RunClock: Sendable {
    func now() -> Date
    func instant() -> ContinuousClock.Instant
    /// Returns at `deadline` on the wall clock, or throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

public struct SystemClock: RunClock {
    public init() {}

    public func now() -> Date { Date() }

    public func instant() -> ContinuousClock.Instant { .now }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
        }
    }
}

extension Date {
    /// `self` moved by a monotonic interval, for deadlines the ledger keeps.
    func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration / .seconds(1))
    }
}
