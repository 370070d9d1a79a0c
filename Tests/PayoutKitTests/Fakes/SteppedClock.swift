import Foundation
@testable import PayoutKit
import Synchronization

/// A clock that stands still until it is slept on, then jumps to the deadline: time passes
/// only as a simulation says, never as the machine runs, so however slow or busy the test
/// process is, the figures come out the same.
///
/// A sleep always moves it, by a microsecond at least and to the deadline rounded up to the
/// microsecond: a deadline read back from a `Date` can fall a fraction short of the instant
/// it was computed from, and a sleep that did not move the clock would be asked for again
/// forever.
final class SteppedClock: RunClock {
    private let start: Date
    private let origin = ContinuousClock.now
    private let elapsed = Mutex(Duration.zero)

    init(start: Date) {
        self.start = start
    }

    func now() -> Date {
        start.adding(elapsed.withLock { $0 })
    }

    func instant() -> ContinuousClock.Instant {
        origin + elapsed.withLock { $0 }
    }

    func sleep(until deadline: Date) async throws {
        let target = Duration.microseconds((deadline.timeIntervalSince(start) * 1e6).rounded(.up))
        elapsed.withLock { $0 = max($0 + .microseconds(1), target) }
    }
}
