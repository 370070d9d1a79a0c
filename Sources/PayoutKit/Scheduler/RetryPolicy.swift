import Foundation

/// When and how to ask again about an item whose outcome is unknown: never sooner than a
/// second, doubling with each attempt up to a cap, with jitter so retries of many items
/// spread out. After a few unknown answers (or PROCESSING, or FATAL_ERROR) the item is
/// settled with gethbinfo before it is sent again; so is any item whose first request is
/// old, since the server's re-entry on a bill number does not last forever. Randomness is
/// injected so tests are exact.
public struct RetryPolicy: Sendable {
    public var baseDelay = Duration.seconds(1)
    public var maximumDelay = Duration.seconds(60)
    /// Unknown outcomes before an item is settled with gethbinfo.
    public var queryAfter = 3
    /// Unknown outcomes per item in one run; past it the item waits for the next run (exit 75).
    public var attemptsPerRun = 10
    /// Past this age (from the first request under the bill number) an item is settled
    /// with gethbinfo before any further request: re-entry is reported to last 24 hours.
    public var settleAfterAge = Duration.seconds(20 * 3600)
    /// Past this age a bill number the server still does not know was never accepted.
    public var expiryAge = Duration.seconds(24 * 3600)
    /// gethbinfo reaches back 30 days; an item unknown for longer is never sent again.
    public var queryableAge = Duration.seconds(30 * 86_400)
    /// A crash may have left requests on the wire: their items are re-sent no sooner than
    /// this after the next run starts.
    public var restartSpacing = Duration.seconds(1)
    /// TIME_LIMITED although the local clock says the quiet window is over: ask again after
    /// this, doubling up to `maximumClockBackoff`.
    public var clockBackoff = Duration.seconds(60)
    public var maximumClockBackoff = Duration.seconds(30 * 60)

    public init() {}

    /// How long to wait after the `attempt`-th unknown outcome; `unit` is uniform in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double) -> Duration {
        let exponential = min(maximumDelay, baseDelay * (1 << min(max(attempt - 1, 0), 20)))
        return max(baseDelay, exponential * (0.5 + unit * 0.5))
    }

    /// The pause after the `step`-th TIME_LIMITED in a row that the local clock disputes.
    public func clockDisagreementDelay(step: Int) -> Duration {
        min(maximumClockBackoff, clockBackoff * (1 << min(max(step - 1, 0), 20)))
    }

    /// Ask gethbinfo before sending again.
    func needsQuery(_ item: WorkItem, now: Date) -> Bool {
        let lingering = item.state == .retrying
            && (item.lastErrCode == ErrorCode.processing.rawValue || item.lastErrCode == ErrorCode.fatalError.rawValue
                || item.attempts >= queryAfter)
        return lingering || item.age(at: now) > settleAfterAge
    }

    /// Whether an answer that settles nothing still allows sending again under the same
    /// number: never after FATAL_ERROR (a record exists; only gethbinfo can tell whose);
    /// for an old item only when gethbinfo said NOT_FOUND (`serverHasNoRecord`) — a send
    /// still in progress, or no answer at all, proves nothing about an old request.
    func mayResendUnsettled(_ item: WorkItem, now: Date, serverHasNoRecord: Bool = false) -> Bool {
        item.lastErrCode != ErrorCode.fatalError.rawValue && (serverHasNoRecord || item.age(at: now) <= settleAfterAge)
    }
}
