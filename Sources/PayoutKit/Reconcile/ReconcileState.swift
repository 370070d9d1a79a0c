/// A reconcile pass's bookkeeping between events: the packets queued to ask about, what the
/// rate allows, and what the answers taught. Owned by the pass's loop alone.
struct ReconcileState {
    var limiter: RateLimiter
    var progress = ReconcileProgress()
    var inFlight = 0
    var stopReason: ReconcileEnd?
    var timerArmed = false
    private var queue: [SentPacket] = []
    private var cursor: Int
    private var exhausted = false
    private var throttles: [Int: Int] = [:]
    private let throttlesPerPacket: Int

    init(limiter: RateLimiter, firstItemID: Int, throttlesPerPacket: Int) {
        self.limiter = limiter
        self.cursor = firstItemID - 1
        self.throttlesPerPacket = throttlesPerPacket
    }

    /// Nothing in flight, and nothing more will be asked in this pass.
    var isFinished: Bool {
        inFlight == 0 && (stopReason != nil || (queue.isEmpty && exhausted))
    }

    /// Went through every unsettled packet, rather than being stopped.
    var isComplete: Bool { isFinished && stopReason == nil }

    /// The next packet to ask about, fetching the next batch in CSV order when the queue is
    /// empty; nil once every unsettled packet was handed out.
    mutating func peek(fetch: (Int) async throws -> [SentPacket]) async throws -> SentPacket? {
        if queue.isEmpty && !exhausted {
            let batch = try await fetch(cursor)
            if let last = batch.last { cursor = last.itemID } else { exhausted = true }
            queue = batch
        }
        return queue.first
    }

    mutating func take() -> SentPacket {
        inFlight += 1
        return queue.removeFirst()
    }

    /// Counts what an answer taught; a throttled packet is asked again later in the pass, a
    /// few times at most.
    mutating func note(_ finding: PacketFinding, for packet: SentPacket, at elapsed: Duration) {
        inFlight -= 1
        progress.asked += 1
        switch finding {
        case .observed(let record):
            switch record.status {
            case .received: progress.claimed += 1
            case .refunded: progress.refunded += 1
            default: progress.waiting += 1
            }
        case .discrepancy(let status, let detail):
            progress.discrepancies.append(PacketDiscrepancy(packet: packet, status: status, detail: detail))
        case .unanswered:
            progress.unanswered += 1
        case .throttled:
            limiter.throttle(at: elapsed)
            throttles[packet.itemID, default: 0] += 1
            if throttles[packet.itemID, default: 0] < throttlesPerPacket {
                queue.append(packet)
            } else {
                progress.unanswered += 1
            }
        case .stop(let reason):
            stop(.merchantRefused(reason))
        }
    }

    /// The first reason to stop wins: a merchant refusal is not overwritten by a Ctrl-C.
    mutating func stop(_ reason: ReconcileEnd) {
        if stopReason == nil { stopReason = reason }
    }
}
