import Foundation
import PayoutKit
import Synchronization

/// A clock that skips every wait: quiet hours, back-off and rate limits pass instantly while
/// real work still takes its real time. Both readings jump together, so the wall clock and
/// the monotonic one never disagree; a sandbox given `now` moves with it too.
public final class VirtualClock: RunClock {
    private let start: Date
    private let origin = ContinuousClock.now
    private let skipped = Mutex(Duration.zero)

    public init(start: Date) {
        self.start = start
    }

    public func now() -> Date {
        start.addingTimeInterval((ContinuousClock.now - origin + skipped.withLock { $0 }) / .seconds(1))
    }

    public func instant() -> ContinuousClock.Instant {
        ContinuousClock.now + skipped.withLock { $0 }
    }

    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        skipped.withLock { skipped in
            let ahead = deadline.timeIntervalSince(start) - (ContinuousClock.now - origin + skipped) / .seconds(1)
            if ahead > 0 { skipped += .seconds(ahead) }
        }
        await Task.yield()
    }
}
