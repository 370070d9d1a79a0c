import Foundation

/// The run's bookkeeping between events: which items are due, what the rate allows, whether
/// the run is paused or stopping. Owned by the run loop alone, so it needs no locking.
struct RunState<Store: RunLedger, Merchant: RunMerchant> {
    private let ledger: Store
    private let merchant: Merchant
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
    /// Numbers taken from the registry and not yet given.
    private var spareNumbers: [BillNumber] = []
    /// Asks the server about a fresh number; the run's end if it must not be used.
    private let probe: (BillNumber) async throws -> RunEnd?
    /// The Beijing day whose numbers the run has probed: a new day's first block is probed
    /// before any of it is given.
    private var probedDay: String?
    /// Never-tried items a daily cap held back today: the run comes back for them the next
    /// Beijing day.
    private var heldBack: HeldBack?
    /// The Beijing day the items in hand whose numbers were never sent were admitted for
    /// through the daily caps; a new day admits them again (`readmit`).
    private var admittedDay: String?
    /// Items holding a number never sent that a daily cap held back on `admittedDay`.
    private var heldNumbered: [WorkItem] = []
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

    init(
        ledger: Store, merchant: Merchant, settings: RunSettings, clock: any RunClock,
        probe: @escaping (BillNumber) async throws -> RunEnd?
    ) async throws {
        self.ledger = ledger
        self.merchant = merchant
        self.probe = probe
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
        guard nothingLeftToStart, !holdsItemsBack else { return nil }
        if !parked.isEmpty { return .retriesExhausted(items: parked.count) }
        return unqueryable == 0 ? .complete : .needsMerchantRecords(items: unqueryable)
    }

    /// No item waits for a request in this run: a quiet window then changes nothing.
    private var nothingLeftToStart: Bool {
        retryQueue.isEmpty && claimed.isEmpty && pendingExhausted
    }

    private var holdsItemsBack: Bool { heldBack != nil || !heldNumbered.isEmpty }

    /// Only held-back items are left, and no answer can bring another item back: the run may
    /// wait for the next day. While a request is out, its answer may need asking again soon.
    private var onlyHeldItemsLeft: Bool { nothingLeftToStart && holdsItemsBack && inFlight == 0 }

    /// Claimed items that were never sent, to hand back to the ledger as pending.
    var unsent: [WorkItem] { claimed + heldNumbered }

    var pauseDeadline: Date? { stopReason == nil ? pausedUntil : nil }

    mutating func requestStop(_ reason: RunEnd, observe: (RunEvent) -> Void) {
        guard stopReason == nil else { return }
        stopReason = reason
        observe(.stopping(reason))
    }

    /// Enters or leaves the quiet window. With `--no-wait` the window ends the run instead.
    mutating func updatePause(now: Date, observe: (RunEvent) -> Void) {
        guard stopReason == nil else { return }
        // Before the quiet hours are looked at: midnight frees yesterday's held items, and
        // midnight is in the quiet hours.
        if holdsItemsBack { requeueHeldBefore(today: BeijingTime.dateStamp(now)) }
        if onlyHeldItemsLeft {
            waitForCaps(now: now, observe: observe)
        } else if let quiet = settings.quietHours, quiet.contains(now), !nothingLeftToStart {
            // With nothing left to start the quiet hours change nothing, but a pause that has
            // run out is still cleared (below): left set, its past deadline would wake the
            // loop at once, again and again, until the last answer came.
            pause(RunPause(from: now, until: quiet.end(after: now), cause: .quietHours),
                  reason: "quiet hours \(quiet) Beijing time", observe: observe)
        } else if let until = pausedUntil, until <= now {
            pausedUntil = nil
            progress.pausedUntil = nil
            observe(.resumed)
        }
    }

    /// Claimed items that cannot start before the pause ends, to hand back now: a run killed
    /// during the quiet hours then leaves them never sent — admitted through the caps on the
    /// day they are sent — rather than `sending`, which the next run must take for on the wire.
    mutating func handBackForPause() -> [WorkItem] {
        guard pausedUntil != nil, stopReason == nil, !claimed.isEmpty else { return [] }
        let items = claimed
        claimed = []
        retryQueue += items.map(\.handedBack)
        return items
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
    mutating func nextItem(now: Date, observe: (RunEvent) -> Void) async throws -> WorkItem? {
        guard stopReason == nil, pausedUntil == nil, inFlight < concurrency else { return nil }
        if let caps = settings.dailyCaps, admittedDay != BeijingTime.dateStamp(now) {
            try await readmit(now: now, caps: caps)
        }
        let dueRetry = retryQueue.indices.min { lhs, rhs in
            (retryQueue[lhs].nextAttemptAt ?? .distantPast) < (retryQueue[rhs].nextAttemptAt ?? .distantPast)
        }.flatMap { (retryQueue[$0].nextAttemptAt ?? .distantPast) <= now ? $0 : nil }
        if dueRetry == nil && claimed.isEmpty && !pendingExhausted {
            try await claimMore(now: now, observe: observe)
            guard stopReason == nil else { return nil }
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
        // The merchant's other runs on this machine share the quota: the registry has the
        // last word on every start.
        if let free = try await merchant.takeStart(now: clock.now(), perMinute: settings.perMinute) {
            rateDeadline = max(free, now.adding(.milliseconds(1)))
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

    /// Claims the next never-tried items the daily caps admit, with numbers from the
    /// registry; items a cap holds back keep no number and wait for the next Beijing day.
    private mutating func claimMore(now: Date, observe: (RunEvent) -> Void) async throws {
        while claimed.isEmpty && !pendingExhausted && stopReason == nil {
            let candidates = try await ledger.unclaimed(settings.campaign.id, after: cursor, limit: settings.claimBatch)
            pendingExhausted = candidates.count < settings.claimBatch
            guard let last = candidates.last else { return }
            var admitted = candidates
            if let caps = settings.dailyCaps {
                admitted = try await merchant.admit(candidates, now: now, caps: caps)
            }
            if let firstHeld = candidates.first(where: { !admitted.contains($0) }) {
                heldBack = heldBack ?? HeldBack(cursor: firstHeld.id - 1, day: BeijingTime.dateStamp(now))
                heldBack?.items += candidates.count - admitted.count
            }
            guard let numbers = try await numbers(admitted.count, now: now, observe: observe) else { return }
            claimed = try await ledger.claim(admitted, numbers: numbers, now: now)
            cursor = last.id
        }
    }

    /// A packet counts against its recipient's caps on the day it is first sent under its
    /// number, so items holding a number never sent go through the caps on the run's first
    /// look and again after each Beijing midnight: claimed before midnight (the quiet hours
    /// keep them until 08:00), handed back by an earlier run, given a new number by reissue, or
    /// held back yesterday. An item sent already, answered or not, stays charged to its day.
    /// Those a cap holds keep their numbers and wait for the next day.
    private mutating func readmit(now: Date, caps: DailyCaps) async throws {
        let neverSent = heldNumbered + retryQueue.filter { $0.state == .pending } + claimed
        if !neverSent.isEmpty {
            let admitted = Set(try await merchant.admit(neverSent.map(\.unclaimed), now: now, caps: caps).map(\.id))
            retryQueue = retryQueue.filter { $0.state != .pending || admitted.contains($0.id) }
                + heldNumbered.filter { admitted.contains($0.id) }
            claimed.removeAll { !admitted.contains($0.id) }
            // Handed back at once, as a stopped run would: a crash while they wait leaves
            // them never sent, not in flight since their claim a day ago.
            let held = neverSent.filter { !admitted.contains($0.id) }
            try await ledger.release(held.filter { $0.state == ItemTransition.release.from })
            heldNumbered = held.map(\.handedBack)
        }
        admittedDay = BeijingTime.dateStamp(now)
    }

    /// `count` new numbers, taken from the registry a block at a time: each block is one synced registry commit, and
    /// numbers a run leaves unused (or a new day makes stale) are simply never given. The
    /// day's first block is probed first (carried numbers never are: a number a run handed
    /// back, or reissue gave, may have been sent since by a run killed before it recorded the
    /// answer, so the server knowing it proves nothing). nil when the probe stops the run.
    private mutating func numbers(_ count: Int, now: Date, observe: (RunEvent) -> Void) async throws -> [BillNumber]? {
        let today = BeijingTime.dateStamp(now)
        spareNumbers.removeAll { $0.dateStamp != today }
        if spareNumbers.count < count {
            let block = try await merchant.billNumbers(
                max(count - spareNumbers.count, settings.billNumberBlock), site: settings.site, now: now)
            if probedDay != today, let first = block.first {
                if let refused = try await probe(first) {
                    requestStop(refused, observe: observe)
                    return nil
                }
                probedDay = today
            }
            spareNumbers += block
        }
        defer { spareNumbers.removeFirst(count) }
        return Array(spareNumbers.prefix(count))
    }

    /// Items held back on an earlier Beijing day are work again: never-tried ones from the
    /// cursor, numbered ones queued — `admittedDay` being past, `readmit` weighs them again
    /// before any is sent.
    private mutating func requeueHeldBefore(today: String) {
        if let held = heldBack, held.day != today {
            cursor = held.cursor
            pendingExhausted = false
            heldBack = nil
        }
        if admittedDay != today {
            retryQueue += heldNumbered
            heldNumbered = []
        }
    }

    /// Every item left is held back by a daily cap today: wait for the next Beijing day —
    /// or, with `--no-wait`, end saying so.
    private mutating func waitForCaps(now: Date, observe: (RunEvent) -> Void) {
        let items = (heldBack?.items ?? 0) + heldNumbered.count
        let nextDay = BeijingTime.nextDay(after: now)
        if settings.noWait {
            requestStop(.dailyCaps(items: items, until: nextDay), observe: observe)
        } else {
            // Replaces an earlier pause that ended (a TIME_LIMITED back-off): never one that
            // has run out and is not cleared.
            pause(RunPause(from: now, until: nextDay, cause: .dailyCaps),
                  reason: "\(items) items wait for the next Beijing day: their recipients reached the daily caps", observe: observe)
        }
    }

    /// When to look again if no request completes first: the rate limiter's next slot or
    /// the next retry falling due.
    func wakeDeadline(now: Date) -> Date? {
        guard stopReason == nil, pausedUntil == nil, inFlight < concurrency else { return nil }
        // A claim just found only held-back items left: look again at once, to wait for the
        // next day (or stop, with --no-wait).
        if onlyHeldItemsLeft { return now }
        let nextRetry = retryQueue.compactMap(\.nextAttemptAt).filter { $0 > now }.min()
        // A rate deadline already past is one no due item is waiting for any more (the item
        // left, held by a cap): waking for it would wake the loop at once, over and over.
        return [rateDeadline, nextRetry].compactMap { $0 }.filter { $0 > now }.min()
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

/// Never-tried items a daily cap held back on `day`, from the item after `cursor` on.
struct HeldBack {
    var cursor: Int
    var day: String
    var items = 0
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
