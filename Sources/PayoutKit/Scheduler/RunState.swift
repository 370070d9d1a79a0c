import Foundation

/// The run's bookkeeping between events: which items are due, what the rate allows, whether
/// the run is paused or stopping. Owned by the run loop alone, so it needs no locking.
struct RunState<Store: RunLedger> {
    private let ledger: Store
    private let settings: RunSettings
    private let clock: any RunClock
    /// The run's start on the monotonic clock: the rate limiter counts from here.
    private let origin: ContinuousClock.Instant
    private let lastItemID: Int
    private var limiter: RateLimiter
    private var window: InFlightWindow
    private var retryQueue: [WorkItem]
    private var parked: [WorkItem] = []
    /// Unknown for longer than gethbinfo reaches back: never sent again by the run.
    private let unqueryable: Int
    private var claimed: [WorkItem] = []
    private var cursor: Int
    private var pendingExhausted = false
    private var inFlight = 0
    /// Unknown outcomes per item in this run; throttle and quiet-window answers do not
    /// count, as the server said plainly that it did nothing.
    private var unknownsThisRun: [Int: Int] = [:]
    private var stopReason: RunEnd?
    private var pausedUntil: Date?
    private var rateDeadline: Date?
    private var recentStarts = RecentStarts()
    private var failureStreak = FailureStreak()
    private var clockDisagreement = ClockDisagreement()
    /// Pauses begun since the run last wrote them to the ledger.
    private var unrecordedPauses: [RunPause] = []
    var timer = TimerState()
    var progress = RunProgress()

    init(ledger: Store, settings: RunSettings, clock: any RunClock) async throws {
        self.ledger = ledger
        self.settings = settings
        self.clock = clock
        let work = try await ledger.openWork(settings.campaign.id)
        // Read together: the previous run's starts are placed on the limiter's time line
        // through `now`, so the two must name the same moment.
        origin = clock.instant()
        let now = clock.now()
        limiter = try await Self.limiter(settings: settings, ledger: ledger, now: now, carried: work.carried)
        window = InFlightWindow(ratePerSecond: limiter.fullRate, bounds: settings.inFlight)
        progress.inFlightLimit = window.size
        let (carried, unqueryable) = Self.carriedOver(work.carried, now: now, policy: settings.retry)
        retryQueue = carried
        self.unqueryable = unqueryable
        cursor = work.pendingCursor
        lastItemID = work.lastItemID
        pendingExhausted = cursor >= lastItemID
        progress.total = work.status.total.count
        progress.sent = work.status.tally(.sent).count
        progress.sentAmount = work.status.tally(.sent).amount
        progress.failed = work.status.tally(.failed).count
    }

    /// The quota spans runs: requests of the previous run count, and so — conservatively,
    /// as if just sent — do those a crash left in flight without a recorded answer.
    private static func limiter(settings: RunSettings, ledger: Store, now: Date, carried: [WorkItem]) async throws -> RateLimiter {
        var limiter = RateLimiter(perMinute: settings.perMinute)
        let recent = try await ledger.recentRequestStarts(limit: settings.perMinute)
            .map { Duration.seconds($0.timeIntervalSince(now)) }
            .filter { $0 > .zero - limiter.window }
        let unanswered = carried.filter { $0.state == .sending }.count
        limiter.seed(starts: recent + Array(repeating: .zero, count: min(unanswered, settings.perMinute)))
        return limiter
    }

    /// Items a crash may have left on the wire wait `restartSpacing` before they are sent
    /// again; items unknown for longer than gethbinfo reaches back are left alone.
    private static func carriedOver(_ items: [WorkItem], now: Date, policy: RetryPolicy) -> ([WorkItem], unqueryable: Int) {
        let queryable = items.filter { $0.age(at: now) <= policy.queryableAge }
        let spaced = queryable.map { item -> WorkItem in
            guard item.state == .sending else { return item }
            var spaced = item
            spaced.nextAttemptAt = max(item.nextAttemptAt ?? now, now.adding(policy.restartSpacing))
            return spaced
        }
        return (spaced, items.count - queryable.count)
    }

    /// How the run ended, once nothing is in flight and nothing more will start.
    var end: RunEnd? {
        guard inFlight == 0 else { return nil }
        if let stopReason { return stopReason }
        guard nothingLeftToStart else { return nil }
        if !parked.isEmpty { return .retriesExhausted(items: parked.count) }
        return unqueryable == 0 ? .complete : .needsMerchantRecords(items: unqueryable)
    }

    /// No item waits for a request in this run: a quiet window then changes nothing.
    private var nothingLeftToStart: Bool {
        retryQueue.isEmpty && claimed.isEmpty && pendingExhausted
    }

    /// Claimed items that were never sent, to hand back to the ledger as pending.
    var unsent: [WorkItem] { claimed }

    var pauseDeadline: Date? { stopReason == nil ? pausedUntil : nil }

    mutating func requestStop(_ reason: RunEnd, observe: (RunEvent) -> Void) {
        guard stopReason == nil else { return }
        stopReason = reason
        observe(.stopping(reason))
    }

    /// Enters or leaves the quiet window. With `--no-wait` the window ends the run instead.
    mutating func updatePause(now: Date, observe: (RunEvent) -> Void) {
        guard stopReason == nil, !nothingLeftToStart else { return }
        if let quiet = settings.quietHours, quiet.contains(now) {
            pause(RunPause(from: now, until: quiet.end(after: now), cause: .quietHours),
                  reason: "quiet hours \(quiet) Beijing time", observe: observe)
        } else if let until = pausedUntil, until <= now {
            pausedUntil = nil
            progress.pausedUntil = nil
            observe(.resumed)
        }
    }

    private mutating func pause(_ pause: RunPause, reason: String, observe: (RunEvent) -> Void) {
        let until = pause.until
        if settings.noWait {
            requestStop(.quietWindow(until: until), observe: observe)
        } else if pausedUntil.map({ $0 < until }) ?? true {
            pausedUntil = until
            progress.pausedUntil = until
            unrecordedPauses.append(pause)
            observe(.paused(until: until, reason: reason))
        }
    }

    /// The pauses to write to the ledger now; each is handed out once.
    mutating func takeUnrecordedPauses() -> [RunPause] {
        defer { unrecordedPauses = [] }
        return unrecordedPauses
    }

    /// The next item to start now, if the rate, the pause, the stop flag and the in-flight
    /// window all allow one; claims more never-tried items from the ledger when needed.
    mutating func nextItem(now: Date) async throws -> WorkItem? {
        guard stopReason == nil, pausedUntil == nil, inFlight < concurrency else { return nil }
        let dueRetry = retryQueue.indices.min { lhs, rhs in
            (retryQueue[lhs].nextAttemptAt ?? .distantPast) < (retryQueue[rhs].nextAttemptAt ?? .distantPast)
        }.flatMap { (retryQueue[$0].nextAttemptAt ?? .distantPast) <= now ? $0 : nil }
        if dueRetry == nil && claimed.isEmpty && !pendingExhausted {
            claimed = try await ledger.claim(
                settings.campaign.id, after: cursor, limit: settings.claimBatch, mchID: settings.mchID, now: now)
            if let last = claimed.last { cursor = last.id }
            pendingExhausted = claimed.count < settings.claimBatch
        }
        guard dueRetry != nil || !claimed.isEmpty else { return nil }
        let elapsed = clock.instant() - origin
        let earliest = limiter.earliestStart(at: elapsed)
        guard earliest <= elapsed else {
            // At least a millisecond: the clocks sleep in milliseconds, and a shorter wait
            // would wake to find the slot still a hair away.
            rateDeadline = now.adding(max(earliest - elapsed, .milliseconds(1)))
            return nil
        }
        rateDeadline = nil
        limiter.recordStart(at: elapsed)
        clockDisagreement.requestStarted()
        inFlight += 1
        progress.inFlight = inFlight
        progress.ratePerMinute = recentStarts.add(elapsed)
        if let index = dueRetry {
            return retryQueue.remove(at: index)
        }
        return claimed.removeFirst()
    }

    /// When to look again if no request completes first: the rate limiter's next slot or
    /// the next retry falling due.
    func wakeDeadline(now: Date) -> Date? {
        guard stopReason == nil, pausedUntil == nil, inFlight < concurrency else { return nil }
        let nextRetry = retryQueue.compactMap(\.nextAttemptAt).filter { $0 > now }.min()
        return [rateDeadline, nextRetry].compactMap { $0 }.min()
    }

    mutating func complete(_ item: WorkItem, record: AttemptRecord, outcome: SendOutcome, now: Date, observe: (RunEvent) -> Void) {
        inFlight -= 1
        progress.inFlight = inFlight
        window.record(record.latency, outcome: outcome)
        progress.inFlightLimit = window.size
        progress.medianLatency = window.medianLatency
        var updated = item
        updated.state = record.newState
        updated.nextAttemptAt = record.nextAttemptAt
        updated.lastErrCode = record.errCode ?? item.lastErrCode
        if record.kind == .send {
            updated.attempts += 1
        }
        switch outcome {
        case .sent:
            progress.sent += 1
            progress.sentAmount = progress.sentAmount + item.amount
        case .failed:
            progress.failed += 1
        case .unknown:
            unknownsThisRun[item.id, default: 0] += 1
            requeue(updated)
        case .throttled:
            limiter.throttle(at: clock.instant() - origin)
            requeue(updated)
        case .quietWindow:
            timeLimited(updated, until: record.nextAttemptAt ?? now, now: now, observe: observe)
        case .stopRun(let reason):
            requestStop(.merchantRefused(reason), observe: observe)
        }
        if outcome != .quietWindow { clockDisagreement.serverAnswered() }
        if let systematic = failureStreak.note(outcome) {
            requestStop(.merchantRefused(systematic), observe: observe)
        }
        observe(.item(ItemResult(
            line: item.line, openid: item.openid, amount: item.amount, billNumber: item.billNumber,
            state: record.newState, outcome: record.outcome, errCode: record.errCode,
            message: record.detail ?? record.errCodeDescription), progress))
    }

    /// In flight at once: one while probing a server whose clock disagrees with ours.
    private var concurrency: Int {
        clockDisagreement.isProbing ? 1 : window.size
    }

    /// TIME_LIMITED: pause until the quiet window ends when our clock agrees it is on;
    /// otherwise back off and probe (`ClockDisagreement`).
    private mutating func timeLimited(_ item: WorkItem, until windowEnd: Date, now: Date, observe: (RunEvent) -> Void) {
        var item = item
        if windowEnd > now {
            requeue(item)
            pause(RunPause(from: now, until: windowEnd, cause: .serverTimeLimited),
                  reason: "the server answered TIME_LIMITED", observe: observe)
            return
        }
        let resume = clockDisagreement.disputedTimeLimit(at: now, policy: settings.retry)
        item.nextAttemptAt = resume
        requeue(item)
        guard resume > now else { return }
        pause(RunPause(from: now, until: resume, cause: .serverTimeLimited),
              reason: ClockDisagreement.reason(at: now, resume: resume), observe: observe)
    }

    private mutating func requeue(_ item: WorkItem) {
        if unknownsThisRun[item.id, default: 0] >= settings.retry.attemptsPerRun {
            parked.append(item)
        } else {
            retryQueue.append(item)
        }
    }
}

/// At most one wake-up timer pending per deadline: re-arming only for an earlier time.
struct TimerState {
    private var armed: Date?

    mutating func arm(_ deadline: Date) -> Bool {
        if let armed, armed <= deadline { return false }
        armed = deadline
        return true
    }

    mutating func fired() {
        armed = nil
    }
}

/// Start times of the last minute, for the rate shown to the operator.
struct RecentStarts {
    private var times: [Duration] = []
    private var head = 0

    /// Records a start `elapsed` into the run; returns the rate per minute over the last
    /// minute, or over the run so far while it is younger than that.
    mutating func add(_ elapsed: Duration) -> Int {
        times.append(elapsed)
        let window = min(.seconds(60), max(.seconds(1), elapsed))
        while head < times.count && times[head] < elapsed - window { head += 1 }
        if head > 4096 {
            times.removeFirst(head)
            head = 0
        }
        return Int((Double(times.count - head) / (window / .seconds(60))).rounded())
    }
}
