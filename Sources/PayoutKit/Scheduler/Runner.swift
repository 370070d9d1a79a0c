import Foundation

/// What a run needs to know besides the ledger and the client.
public struct RunSettings: Sendable {
    public var campaign: CampaignRecord
    public var mchID: String
    public var perMinute: Int
    public var quietHours: QuietHours?
    /// Exit at once with `.quietWindow` instead of sleeping through it.
    public var noWait = false
    /// Requests in flight at once. Little's law: 1800/min is 30/s, so 300 ms answers need
    /// about 10 in flight; 32 covers answers of up to a second at the full rate.
    public var concurrency = 32
    public var retry = RetryPolicy()
    /// Never-tried items given bill numbers per ledger transaction.
    public var claimBatch = 32
    /// When a TIME_LIMITED answer arrives with quiet hours off, pause until this window ends.
    public var serverQuietHours = QuietHours.default

    public init(campaign: CampaignRecord, mchID: String, perMinute: Int, quietHours: QuietHours?) {
        self.campaign = campaign
        self.mchID = mchID
        self.perMinute = perMinute
        self.quietHours = quietHours
    }
}

/// The run's state machine: works through a campaign's ledger and pays every item once.
///
/// Every item gets its bill number committed before its first request (`Ledger.claim`);
/// every request's outcome is committed before the item is looked at again; an item whose
/// outcome is unknown is asked about again with the same bill number and fields, at least a
/// second later, backing off, and settled with gethbinfo when it lingers. A crash at any
/// point leaves the ledger saying, for each item, either a final outcome or "this bill
/// number may be in flight" — which the next run resolves by asking again.
public struct Runner: Sendable {
    public let ledger: Ledger
    public let client: RedpackClient
    public let settings: RunSettings
    public let clock: any RunClock
    public let stop: StopSignal
    public let observe: @Sendable (RunEvent) -> Void
    /// Uniform in [0, 1): jitter for back-off.
    public let random: @Sendable () -> Double

    public init(
        ledger: Ledger, client: RedpackClient, settings: RunSettings, clock: any RunClock = SystemClock(),
        stop: StopSignal = StopSignal(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observe: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) {
        self.ledger = ledger
        self.client = client
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
        var state = try await RunState(runner: self)
        let runID = try await ledger.startRun(settings.campaign.id, at: clock.now())
        observe(.started(state.progress))
        let end: RunEnd = try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask { [stop] in
                await stop.wait()
                return .stopRequested
            }
            while true {
                let now = clock.now()
                state.updatePause(now: now, observe: observe)
                let pauses = state.takeUnrecordedPauses()
                if !pauses.isEmpty { try await ledger.recordPauses(pauses, run: runID) }
                if let deadline = state.pauseDeadline, state.timer.arm(deadline) {
                    group.addTask { [clock] in
                        try? await clock.sleep(until: deadline)
                        return .wake
                    }
                }
                while let item = try await state.nextItem(now: now) {
                    group.addTask { try await self.attempt(item) }
                }
                if let deadline = state.wakeDeadline(now: now), state.timer.arm(deadline) {
                    group.addTask { [clock] in
                        try? await clock.sleep(until: deadline)
                        return .wake
                    }
                }
                if let end = state.end {
                    group.cancelAll()
                    return end
                }
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
        try await ledger.release(state.unsent)
        try await ledger.finishRun(runID, end: end, at: clock.now())
        state.progress.inFlight = 0
        observe(.finished(end, state.progress))
        return end
    }

    /// One attempt at one item: settle with gethbinfo first when the item has lingered,
    /// otherwise (or if the server does not know the bill number yet, or its record does not
    /// match the item) send it again under the same bill number — a mismatched re-entry is
    /// then refused by the server, and the item fails visibly. The outcome is committed
    /// before this returns.
    private func attempt(_ item: WorkItem) async throws -> Event {
        let campaign = settings.campaign
        let started = clock.now()
        if settings.retry.needsQuery(item) {
            switch await client.query(item.billNumber) {
            case .found(let hongbao) where hongbao.status.meansPaid
                && hongbao.contradiction(billNumber: item.billNumber, openid: item.openid, amount: item.amount) == nil:
                return try await commit(item, outcome: .sent(sendListID: hongbao.detailID), kind: .query, started: started,
                                    latency: clock.now().timeIntervalSince(started), errCode: nil, description: hongbao.status.rawValue)
            case .found(let hongbao) where hongbao.status == .failed
                && hongbao.contradiction(billNumber: item.billNumber, openid: item.openid, amount: item.amount) == nil:
                return try await commit(item, outcome: .failed(code: "FAILED", message: hongbao.reason ?? "gethbinfo: FAILED"),
                                    kind: .query, started: started, latency: clock.now().timeIntervalSince(started),
                                    errCode: "FAILED", description: hongbao.reason)
            case .stopRun(let code, let message):
                return try await commit(item, outcome: .stopRun(code: code, message: message), kind: .query, started: started,
                                    latency: clock.now().timeIntervalSince(started), errCode: code, description: message)
            case .found, .notFound, .unknown:
                break
            }
        }
        let request = RedpackRequest(
            billNumber: item.billNumber, openid: item.openid, amount: item.amount,
            sendName: campaign.texts["send_name"] ?? "", nickName: campaign.texts["nick_name"],
            wishing: campaign.texts["wishing"] ?? "", actName: campaign.texts["act_name"] ?? "",
            remark: campaign.texts["remark"] ?? "", sceneID: campaign.texts["scene_id"])
        let sendStarted = clock.now()
        let result = await client.send(request)
        return try await commit(item, outcome: result.outcome, kind: .send, started: sendStarted,
                            latency: Double(result.latency.milliseconds) / 1000, errCode: result.errCode,
                            description: result.errCodeDescription)
    }

    private func commit(
        _ item: WorkItem, outcome: SendOutcome, kind: AttemptRecord.Kind, started: Date, latency: Double,
        errCode: String?, description: String?
    ) async throws -> Event {
        let now = clock.now()
        let attempts = item.attempts + (kind == .send ? 1 : 0)
        var record = AttemptRecord(
            itemID: item.id, billNumber: item.billNumber, kind: kind, startedAt: started,
            latency: .milliseconds(Int(latency * 1000)), outcome: outcome.label, errCode: errCode,
            errCodeDescription: description, detail: outcome.detail, newState: .retrying)
        switch outcome {
        case .sent(let listID):
            record.newState = .sent
            record.sendListID = listID
        case .failed:
            record.newState = .failed
        case .stopRun(let code, _):
            record.newState = code == "TLS_ERROR" ? .pending : .retrying
        case .quietWindow:
            record.nextAttemptAt = (settings.quietHours ?? settings.serverQuietHours).end(after: now)
        case .unknown, .throttled:
            record.nextAttemptAt = now.addingTimeInterval(settings.retry.delay(afterAttempt: attempts, unit: random()))
        }
        try await ledger.record([record])
        return .completed(item, record, outcome)
    }
}

extension RetryPolicy {
    /// PROCESSING, or several unknown answers in a row: ask gethbinfo before sending again.
    func needsQuery(_ item: WorkItem) -> Bool {
        item.state == .retrying && (item.lastErrCode == "PROCESSING" || item.attempts >= queryAfter)
    }
}

extension SendOutcome {
    /// The attempts table's `outcome` column.
    var label: String {
        switch self {
        case .sent: return "sent"
        case .failed: return "failed"
        case .unknown: return "unknown"
        case .throttled: return "throttled"
        case .quietWindow: return "quiet_window"
        case .stopRun: return "stop_run"
        }
    }

    var detail: String? {
        switch self {
        case .unknown(let reason): return reason
        case .stopRun(_, let message), .failed(_, let message): return message
        case .sent, .throttled, .quietWindow: return nil
        }
    }
}
