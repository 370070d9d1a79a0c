import Foundation
import PayoutKit
import Synchronization

/// A clock that skips every wait: quiet hours, back-off and rate limits pass instantly while
/// real work still takes its real time. Both readings jump together, so the wall clock and
/// the monotonic one never disagree; a sandbox given `now` moves with it too. A frozen
/// clock (`realTime: false`) moves only when waited on, so unit tests read exact times
/// however loaded the machine is.
public final class VirtualClock: RunClock {
    private let start: Date
    private let origin = ContinuousClock.now
    private let realTime: Bool
    private let skipped = Mutex(Duration.zero)

    public init(start: Date, realTime: Bool = true) {
        self.start = start
        self.realTime = realTime
    }

    private var elapsed: Duration {
        (realTime ? ContinuousClock.now - origin : .zero) + skipped.withLock { $0 }
    }

    public func now() -> Date {
        start.addingTimeInterval(elapsed / .seconds(1))
    }

    public func instant() -> ContinuousClock.Instant {
        origin + elapsed
    }

    /// Jumps ahead, as the days between two runs of a campaign do.
    public func advance(by duration: Duration) {
        skipped.withLock { $0 += duration }
    }

    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        let real = realTime ? ContinuousClock.now - origin : .zero
        skipped.withLock { skipped in
            let ahead = deadline.timeIntervalSince(start) - (real + skipped) / .seconds(1)
            // Whole milliseconds, rounded up, as the system clock's sleep waits: a jump that
            // a Date cannot represent would leave a frozen clock short of its deadline.
            if ahead > 0 { skipped += .milliseconds(Int((ahead * 1000).rounded(.up))) }
        }
        await Task.yield()
    }
}
