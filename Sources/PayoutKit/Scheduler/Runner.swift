import Foundation

/// What a run needs to know besides the ledger and the API.
public struct RunSettings: Sendable {
    public var campaign: CampaignRecord
    public var perMinute: Int
    public var quietHours: QuietHours?
    /// Part of every new bill number (`merchant.site`).
    public var site = 0
    /// What one recipient may receive a day across the merchant's campaigns; nil for a sandbox
    /// campaign, which pays nothing real.
    public var dailyCaps: DailyCaps? = DailyCaps()
    /// Exit at once with `.quietWindow` instead of sleeping through it.
    public var noWait = false
    /// Requests in flight at once: the window moves between these bounds with the latency
    /// the run observes (`InFlightWindow`), so slow answers never cap the rate; equal
    /// bounds pin it.
    public var inFlight = InFlightWindow.defaultBounds
    public var retry = RetryPolicy()
    /// Never-tried items given bill numbers per ledger transaction.
    public var claimBatch = 32
    /// Bill numbers taken from the merchant registry at once (one synced commit there).
    public var billNumberBlock = RunSettings.defaultBillNumberBlock
    public static let defaultBillNumberBlock = 256
    /// When a TIME_LIMITED answer arrives with quiet hours off, pause until this window ends.
    public var serverQuietHours = QuietHours.default

    public init(campaign: CampaignRecord, perMinute: Int, quietHours: QuietHours?) {
        self.campaign = campaign
        self.perMinute = perMinute
        self.quietHours = quietHours
    }
}

/// The run's state machine: works through a campaign's ledger and pays every item once.
///
/// Every item gets its bill number committed before its first request (`RunLedger.claim`);
/// every request's outcome is committed before the item is looked at again; an item whose
/// outcome is unknown is asked about again with the same bill number and fields, at least a
/// second later, backing off, and settled with gethbinfo when it lingers. A crash at any
/// point leaves the ledger saying, for each item, either a final outcome or "this bill
/// number may be in flight" — which the next run resolves by asking again.
///
/// Generic over its I/O edges, so the hard cases run in unit tests against fakes.
public struct Runner<API: RedpackAPI, Store: RunLedger, Merchant: RunMerchant>: Sendable {
    public let ledger: Store
    public let merchant: Merchant
    public let api: API
    public let settings: RunSettings
    public let clock: any RunClock
    public let stop: StopSignal
    public let observe: @Sendable (RunEvent) -> Void
    /// Uniform in [0, 1): jitter for back-off.
    public let random: @Sendable () -> Double

    public init(
        ledger: Store, merchant: Merchant, api: API, settings: RunSettings, clock: any RunClock = SystemClock(),
        stop: StopSignal = StopSignal(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observe: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) {
        self.ledger = ledger
        self.merchant = merchant
        self.api = api
        self.settings = settings
        self.clock = clock
        self.stop = stop
        self.random = random
        self.observe = observe
    }

    private enum Event: Sendable {
        case completed(WorkItem, AttemptRecord, SendOutcome)
        case wake
        case stopRequested
    }

    public func run() async throws -> RunEnd {
        var state = try await RunState(
            ledger: ledger, merchant: merchant, settings: settings, clock: clock, probe: { try await self.probe($0) })
        let runID = try await ledger.startRun(settings.campaign.id, at: clock.now())
        observe(.started(state.progress))
        let end = try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask { [stop] in
                await stop.wait()
                return .stopRequested
            }
            let end = try await loop(&state, run: runID, group: &group)
            group.cancelAll()
            return end
        }
        try await ledger.release(state.unsent)
        try await ledger.finishRun(runID, end: end, at: clock.now())
        state.progress.inFlight = 0
        observe(.finished(end, state.progress))
        return end
    }

    /// Starts whatever may start, arms one timer for the next deadline, and handles one
    /// event at a time until nothing is in flight and nothing more will start.
    ///
    /// The connection pool follows the window up at once and down only once it has halved:
    /// a window jittering around one size must not close connections only to open them again.
    private func loop(
        _ state: inout RunState<Store, Merchant>, run: Int, group: inout ThrowingTaskGroup<Event, any Error>
    ) async throws -> RunEnd {
        var connections = 0
        while true {
            let now = clock.now()
            state.updatePause(now: now, observe: observe)
            let handedBack = state.handBackForPause()
            if !handedBack.isEmpty { try await ledger.release(handedBack) }
            let pauses = state.takeUnrecordedPauses()
            if !pauses.isEmpty { try await ledger.recordPauses(pauses, run: run) }
            wake(at: state.pauseDeadline, state: &state, group: &group)
            let window = state.progress.inFlightLimit
            if window > connections || window <= connections / 2 {
                connections = window
                api.keepConnections(window)
            }
            while let item = try await state.nextItem(now: now, observe: observe) {
                group.addTask { try await self.attempt(item) }
            }
            wake(at: state.wakeDeadline(now: now), state: &state, group: &group)
            if let end = state.end { return end }
            guard let event = try await group.next() else { return .interrupted }
            switch event {
            case .completed(let item, let record, let outcome):
                state.complete(item, record: record, outcome: outcome, now: clock.now(), observe: observe)
            case .wake:
                state.timer.fired()
            case .stopRequested:
                state.requestStop(.interrupted, observe: observe)
            }
        }
    }

    /// gethbinfo about a fresh number before any item is given it (the first of each Beijing
    /// day in a run): known to the server means the registry is not the only one handing out
    /// this merchant's numbers (another machine with the same site, a lost registry), and
    /// sending under it would be answered with someone else's payment. A few tries for an
    /// answer; none means nothing new is sent this run. nil when the server does not know it.
    /// Ctrl-C between tries ends the run at once: the probe runs before the loop can see it.
    private func probe(_ billNumber: BillNumber) async throws -> RunEnd? {
        var reason = ""
        for attempt in 1...3 {
            switch await api.query(billNumber) {
            case .notFound: return nil
            case .found: return .merchantRefused(.billNumberInUse(billNumber))
            case .stopRun(let stop): return .merchantRefused(stop)
            case .throttled(let code): reason = code
            case .unknown(let why): reason = why
            }
            let deadline = clock.now().adding(settings.retry.delay(afterAttempt: attempt, unit: random()))
            guard try await sleepUnlessStopped(until: deadline) else { return .interrupted }
        }
        return .billNumberUnchecked(billNumber, reason: reason)
    }

    /// False when the stop signal trips first.
    private func sleepUnlessStopped(until deadline: Date) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [clock] in
                try await clock.sleep(until: deadline)
                return true
            }
            group.addTask { [stop] in
                await stop.wait()
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    private func wake(at deadline: Date?, state: inout RunState<Store, Merchant>, group: inout ThrowingTaskGroup<Event, any Error>) {
        guard let deadline, state.timer.arm(deadline) else { return }
        group.addTask { [clock] in
            try? await clock.sleep(until: deadline)
            return .wake
        }
    }

    /// One attempt at one item: settle with gethbinfo first when the item has lingered or
    /// is old; otherwise (or when the answer proves nothing and sending again is still safe)
    /// send it again under the same bill number. The outcome is committed before this returns.
    private func attempt(_ item: WorkItem) async throws -> Event {
        let item = item.state == ItemTransition.claim.from ? try await ledger.markSending(item, now: clock.now()) : item
        let now = clock.now()
        if settings.retry.needsQuery(item, now: now), let settled = try await settle(item, now: now) {
            return settled
        }
        let request = RedpackRequest(
            billNumber: item.billNumber, openid: item.openid, amount: item.amount, texts: settings.campaign.texts)
        let started = clock.now()
        let result = await api.send(request)
        return try await commit(
            item, outcome: result.outcome, kind: .send, started: started, latency: result.latency,
            errCode: result.errCode, description: result.errCodeDescription)
    }

    /// Asks gethbinfo about an item and commits what the answer proves; nil when it proves
    /// nothing and the item may be sent again under its bill number.
    private func settle(_ item: WorkItem, now: Date) async throws -> Event? {
        let started = clock.now()
        let startInstant = clock.instant()
        let answer = await api.query(item.billNumber)
        let latency = clock.instant() - startInstant
        guard let settled = Settlement(answer, for: item, now: now, policy: settings.retry) else { return nil }
        return try await commit(
            item, outcome: settled.outcome, kind: .query, started: started, latency: latency,
            errCode: settled.errCode, description: settled.description)
    }

    private func commit(
        _ item: WorkItem, outcome: SendOutcome, kind: AttemptRecord.Kind, started: Date, latency: Duration,
        errCode: String?, description: String?
    ) async throws -> Event {
        let now = clock.now()
        let attempts = item.attempts + (kind == .send ? 1 : 0)
        var record = AttemptRecord(
            itemID: item.id, billNumber: item.billNumber, kind: kind, startedAt: started,
            latency: latency, outcome: outcome.label, errCode: errCode,
            errCodeDescription: description, detail: outcome.detail, newState: .retrying)
        switch outcome {
        case .sent(let listID):
            record.newState = .sent
            record.sendListID = listID
        case .failed:
            record.newState = .failed
        case .stopRun:
            break
        case .quietWindow:
            record.nextAttemptAt = (settings.quietHours ?? settings.serverQuietHours).end(after: now)
        case .unknown, .throttled:
            record.nextAttemptAt = now.adding(settings.retry.delay(afterAttempt: attempts, unit: random()))
        }
        try await ledger.record([record])
        return .completed(item, record, outcome)
    }
}
