import Foundation

/// One reconcile pass over a campaign: asks gethbinfo about every sent packet that is not
/// settled, at most `perMinute` a minute, and commits what each answer proved before the
/// next look at the ledger — so a crash loses at most the answers in flight, and the next
/// pass picks up the packets still unsettled, never one already claimed or refunded.
///
/// Read-only towards items' states and bill numbers: it records packet facts and
/// discrepancies, nothing else. Ctrl-C stops new queries and lets those in flight finish.
public struct Reconciler<API: RedpackAPI>: Sendable {
    public let ledger: Ledger
    public let api: API
    public let campaign: CampaignRecord
    public let perMinute: Int
    public let clock: any RunClock
    public let stop: StopSignal
    public let observe: @Sendable (ReconcileEvent) -> Void
    /// Queries in flight at once: 600 a minute is 10 a second, so a few cover slow answers.
    public var concurrency = 8
    /// Packets read from the ledger at a time: memory stays flat for a million rows.
    public var batchSize = 256
    /// FREQ_LIMIT answers one packet may draw in a pass before it waits for the next pass.
    public var throttlesPerPacket = 3

    public init(
        ledger: Ledger, api: API, campaign: CampaignRecord, perMinute: Int, clock: any RunClock = SystemClock(),
        stop: StopSignal = StopSignal(), observe: @escaping @Sendable (ReconcileEvent) -> Void = { _ in }
    ) {
        self.ledger = ledger
        self.api = api
        self.campaign = campaign
        self.perMinute = perMinute
        self.clock = clock
        self.stop = stop
        self.observe = observe
    }

    private enum Event: Sendable {
        case answered(SentPacket, PacketFinding)
        case wake
        case stopRequested
    }

    public func run() async throws -> ReconcileReport {
        var state = ReconcileState(
            limiter: RateLimiter(perMinute: perMinute), firstItemID: campaign.itemIDs.lowerBound,
            throttlesPerPacket: throttlesPerPacket)
        state.progress.total = try await ledger.packetSummary(of: campaign).unsettled
        observe(.started(state.progress))
        let origin = clock.instant()
        try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask { [stop] in
                await stop.wait()
                return .stopRequested
            }
            try await loop(&state, origin: origin, group: &group)
            group.cancelAll()
        }
        if state.isComplete {
            try await ledger.markReconciled(campaign, at: clock.now())
        }
        let packets = try await ledger.packetSummary(of: campaign)
        let end = state.stopReason ?? (packets.unsettled == 0 ? .settled : .unsettled(packets.unsettled))
        return ReconcileReport(end: end, progress: state.progress, packets: packets)
    }

    /// Starts what the rate allows, then handles one event at a time until nothing is in
    /// flight and nothing more will be asked.
    private func loop(
        _ state: inout ReconcileState, origin: ContinuousClock.Instant, group: inout ThrowingTaskGroup<Event, any Error>
    ) async throws {
        while true {
            try await startDue(&state, origin: origin, group: &group)
            if state.isFinished { return }
            guard let event = try await group.next() else { return }
            switch event {
            case .answered(let packet, let finding):
                state.note(finding, for: packet, at: clock.instant() - origin)
                observe(.answered(packet, finding, state.progress))
            case .wake:
                state.timerArmed = false
            case .stopRequested:
                state.stop(.interrupted)
            }
        }
    }

    private func startDue(
        _ state: inout ReconcileState, origin: ContinuousClock.Instant, group: inout ThrowingTaskGroup<Event, any Error>
    ) async throws {
        while state.stopReason == nil, state.inFlight < concurrency {
            guard try await state.peek(fetch: { cursor in
                try await ledger.unsettledPackets(campaign, after: cursor, limit: batchSize)
            }) != nil else { return }
            let elapsed = clock.instant() - origin
            let earliest = state.limiter.earliestStart(at: elapsed)
            guard earliest <= elapsed else {
                wake(after: earliest - elapsed, state: &state, group: &group)
                return
            }
            state.limiter.recordStart(at: elapsed)
            let packet = state.take()
            group.addTask { try await self.ask(packet) }
        }
    }

    private func wake(after delay: Duration, state: inout ReconcileState, group: inout ThrowingTaskGroup<Event, any Error>) {
        guard !state.timerArmed else { return }
        state.timerArmed = true
        let deadline = clock.now().adding(delay)
        group.addTask { [clock] in
            try? await clock.sleep(until: deadline)
            return .wake
        }
    }

    /// One question, and its answer committed before the pass looks at the packet again.
    private func ask(_ packet: SentPacket) async throws -> Event {
        let finding = PacketFinding(await api.query(packet.billNumber), for: packet)
        try await ledger.record(finding, for: packet, at: clock.now())
        return .answered(packet, finding)
    }
}
