/// When to ask again about an item whose outcome is unknown: never sooner than a second,
/// doubling with each attempt up to a cap, with jitter so retries of many items spread out.
/// After a few unknown answers (or a PROCESSING answer) the item is settled with gethbinfo
/// before it is sent again. Randomness is injected so tests are exact.
public struct RetryPolicy: Sendable {
    public var baseDelay = Duration.seconds(1)
    public var maximumDelay = Duration.seconds(60)
    /// Unknown outcomes before an item is settled with gethbinfo.
    public var queryAfter = 3
    /// Unknown outcomes per item in one run; past it the item waits for the next run (exit 75).
    public var attemptsPerRun = 10

    public init() {}

    /// How long to wait after the `attempt`-th unknown outcome; `unit` is uniform in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double) -> Duration {
        let exponential = min(maximumDelay, baseDelay * (1 << min(max(attempt - 1, 0), 20)))
        return max(baseDelay, exponential * (0.5 + unit * 0.5))
    }

    /// PROCESSING, or several unknown answers in a row: ask gethbinfo before sending again.
    func needsQuery(_ item: WorkItem) -> Bool {
        item.state == .retrying && (item.lastErrCode == "PROCESSING" || item.attempts >= queryAfter)
    }
}
