/// How many requests may be in flight at once, sized from the latency the run observes.
///
/// By Little's law a run with `n` requests in flight, each answered after `L` seconds,
/// starts at most `n ÷ L` a second: a fixed window caps the rate whenever answers are slow
/// (32 in flight at 1.5 s is 21 a second, 0.7 of the 1800/min quota). So the window is
/// sized to carry the full quota at the latency seen:
///
///     minimum + ⌈rate × p90 × 1.25⌉, within minimum...ceiling
///
/// where p90 is the 90th percentile of the last 64 answers' latencies — a high percentile,
/// since the slowest answers hold their slots longest — with a quarter more for jitter, and
/// `minimum` on top for the rate limiter's burst. The ceiling bounds memory and
/// connections. Before the first answer the window is 64: the full quota for answers of up
/// to 2 s at 1800/min, without waiting for evidence.
///
/// It grows by at most 2 per answer, so a jump in latency opens new connections gradually
/// even when the quota is lifted; it shrinks at once when answers get fast. Only answers
/// count: an unknown outcome (a timeout, a lost answer, a connection that could not be made)
/// says nothing about how fast the server answers, so a server that stops answering leaves
/// the window where it was instead of growing it.
///
/// The window only bounds concurrency: the rate limiter stays the only authority on when a
/// request starts. A pure value, fed exact latencies by tests.
public struct InFlightWindow: Sendable, Equatable {
    /// The default bounds: a small floor, and a ceiling that keeps memory and connections
    /// bounded (256 in flight carries 1800/min at answers of up to about 6.5 s).
    public static let defaultBounds = 8...256
    static let initialSize = 64
    static let sampleCount = 64
    static let headroom = 1.25
    static let growthPerAnswer = 2

    /// The quota's rate in starts per second, before any throttle penalty: the window must
    /// be ready to carry the full rate again once a throttle lifts.
    public let ratePerSecond: Double
    public let bounds: ClosedRange<Int>
    public private(set) var size: Int
    /// The median of the recent answers' latencies; nil before the first answer.
    public private(set) var medianLatency: Duration?
    private var samples: [Duration] = []
    private var oldest = 0

    public init(ratePerSecond: Double, bounds: ClosedRange<Int> = Self.defaultBounds) {
        precondition(bounds.lowerBound > 0 && ratePerSecond > 0)
        self.ratePerSecond = ratePerSecond
        self.bounds = bounds
        size = Self.clamp(Self.initialSize, to: bounds)
        samples.reserveCapacity(Self.sampleCount)
    }

    /// Takes one attempt's latency into account, if its outcome is an answer.
    public mutating func record(_ latency: Duration, outcome: SendOutcome) {
        if case .unknown = outcome { return }
        if samples.count < Self.sampleCount {
            samples.append(latency)
        } else {
            samples[oldest] = latency
            oldest = (oldest + 1) % Self.sampleCount
        }
        let sorted = samples.sorted()
        medianLatency = sorted[sorted.count / 2]
        let p90 = sorted[sorted.count * 9 / 10]
        let wanted = Double(bounds.lowerBound) + (ratePerSecond * (p90 / .seconds(1)) * Self.headroom).rounded(.up)
        size = Self.clamp(min(Int(min(wanted, Double(bounds.upperBound))), size + Self.growthPerAnswer), to: bounds)
    }

    private static func clamp(_ value: Int, to bounds: ClosedRange<Int>) -> Int {
        min(max(value, bounds.lowerBound), bounds.upperBound)
    }
}
