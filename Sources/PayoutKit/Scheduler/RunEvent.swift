import Foundation

/// Where a run stands, for the progress line and `--json`.
public struct RunProgress: Sendable, Equatable {
    public var total = 0
    public var sent = 0
    public var sentAmount = Amount.zero
    public var failed = 0
    public var inFlight = 0
    /// How many requests may be in flight now: the window sized from the latency seen.
    public var inFlightLimit = 0
    /// The median latency of recent answers; nil before the first answer.
    public var medianLatency: Duration?
    /// Requests started per minute, over the last minute (or the run so far, if shorter).
    public var ratePerMinute = 0
    public var pausedUntil: Date?

    public var done: Int { sent + failed }

    /// Seconds to finish at the current rate; nil while nothing is moving.
    public var eta: Double? {
        guard ratePerMinute > 0 else { return nil }
        return Double(total - done) / Double(ratePerMinute) * 60
    }
}

/// How a run ended, which decides the exit status.
public enum RunEnd: Sendable, Equatable {
    /// Every item is final.
    case complete
    /// Ctrl-C or SIGTERM: in-flight requests were finished and recorded.
    case interrupted
    /// `--no-wait` inside the quiet window.
    case quietWindow(until: Date)
    /// The server refused the merchant's set-up, or the account is empty.
    case merchantRefused(StopReason)
    /// Some items are still unknown after this run's attempts; the next run continues them.
    case retriesExhausted(items: Int)
    /// Some items have been unknown for longer than gethbinfo reaches back (30 days): only
    /// the merchant platform's records can settle them, and payout never sends them again.
    case needsMerchantRecords(items: Int)
    /// `--no-wait`, and every item left is for a recipient who reached a daily cap today.
    case dailyCaps(items: Int, until: Date)
    /// gethbinfo did not answer whether the run's first new bill number is unused: nothing
    /// was sent.
    case billNumberUnchecked(BillNumber, reason: String)
}

public enum RunEvent: Sendable {
    /// The campaign was imported into the ledger by this run (not when it was already there).
    case imported(RecipientsSummary, ledger: String)
    case started(RunProgress)
    case item(ItemResult, RunProgress)
    case paused(until: Date, reason: String)
    case resumed
    case stopping(RunEnd)
    case finished(RunEnd, RunProgress)
}

/// One request's effect, as shown to the operator.
public struct ItemResult: Sendable, Equatable {
    public var line: Int
    public var openid: String
    public var amount: Amount
    public var billNumber: BillNumber
    public var state: ItemState
    public var outcome: String
    public var errCode: String?
    public var message: String?
}
