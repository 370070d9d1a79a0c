/// Decides when the next request may start, so that the API's per-minute quota holds.
///
/// Two rules, both needed: a token bucket spreads starts smoothly (at most the per-second
/// rate plus a small burst), and a log of the last `perMinute` start times guarantees the
/// hard cap — never more than `perMinute` starts in any window of 60 s plus a margin. The
/// margin absorbs latency jitter: the server counts arrivals, not our starts. A throttle
/// answer halves the rate, which then recovers linearly.
///
/// Times are offsets on one monotonic clock (the run measures them from its start), passed
/// in, so the limiter is a pure value that tests drive exactly.
public struct RateLimiter: Sendable {
    public let perMinute: Int
    public let window: Duration
    public let burst: Double
    private var tokens: Double
    private var refilledAt: Duration?
    private var starts: [Duration]
    private var oldest = 0
    private var factor = 1.0
    private var throttledAt: Duration?

    /// How long a throttled rate takes to climb back to full speed.
    public static let recovery = Duration.seconds(30)

    public init(perMinute: Int, windowMargin: Duration = .milliseconds(500), burst: Double? = nil) {
        precondition(perMinute > 0)
        self.perMinute = perMinute
        self.window = .seconds(60) + windowMargin
        self.burst = burst ?? max(1, (Double(perMinute) / 60 * 0.2).rounded(.up))
        tokens = self.burst
        starts = []
        starts.reserveCapacity(perMinute)
    }

    /// The quota's rate in starts per second, without any throttle penalty.
    public var fullRate: Double {
        Double(perMinute) / (window / .seconds(1))
    }

    /// The rate at `now`, in starts per second, after any throttle penalty.
    public func rate(at now: Duration) -> Double {
        fullRate * currentFactor(at: now)
    }

    /// The earliest time at or after `now` a request may start.
    public mutating func earliestStart(at now: Duration) -> Duration {
        refill(at: now)
        var earliest = now
        if tokens < 1 {
            earliest = now + .seconds((1 - tokens) / rate(at: now))
        }
        if starts.count == perMinute {
            earliest = max(earliest, starts[oldest] + window)
        }
        return earliest
    }

    /// Records a start at `now`; call only when `earliestStart(at: now) <= now`.
    public mutating func recordStart(at now: Duration) {
        refill(at: now)
        tokens -= 1
        recordWindow(now)
    }

    /// Starts made before this limiter existed, by an earlier run; call before any other.
    public mutating func seed(starts earlier: [Duration]) {
        for start in earlier.sorted().suffix(perMinute) {
            recordWindow(start)
        }
        if !earlier.isEmpty { tokens = 0 }
    }

    private mutating func recordWindow(_ start: Duration) {
        if starts.count < perMinute {
            starts.append(start)
        } else {
            starts[oldest] = start
            oldest = (oldest + 1) % perMinute
        }
    }

    /// A FREQ_LIMIT or SECOND_OVER_LIMITED answer: slow the whole run down.
    public mutating func throttle(at now: Duration) {
        refill(at: now)
        factor = max(0.01, currentFactor(at: now) / 2)
        throttledAt = now
        tokens = min(tokens, 0)
    }

    private func currentFactor(at now: Duration) -> Double {
        guard let throttledAt else { return 1 }
        return min(1, factor + (1 - factor) * max(0, (now - throttledAt) / Self.recovery))
    }

    private mutating func refill(at now: Duration) {
        if let refilledAt, now > refilledAt {
            tokens = min(burst, tokens + (now - refilledAt) / .seconds(1) * rate(at: now))
        }
        if refilledAt.map({ now > $0 }) ?? true {
            refilledAt = now
        }
    }
}
