/// How a reconcile pass ended, which decides the exit status.
public enum ReconcileEnd: Sendable, Equatable {
    /// Every sent packet is claimed or refunded.
    case settled
    /// This many sent packets are not settled yet: still SENT or RFUND_ING, unanswered, or
    /// answered with a contradiction. Run reconcile again later.
    case unsettled(Int)
    /// Ctrl-C or SIGTERM: the queries in flight were finished and recorded.
    case interrupted
    /// The server refused the merchant's set-up (a certificate, the signature, permission).
    case merchantRefused(StopReason)
}

/// A gethbinfo answer that contradicts the ledger, as the operator is shown it.
public struct PacketDiscrepancy: Sendable, Equatable {
    public var packet: SentPacket
    public var status: HongbaoRecord.Status
    public var detail: String
}

/// Where a pass stands, for the progress line.
public struct ReconcileProgress: Sendable, Equatable {
    /// Unsettled packets when the pass began.
    public var total = 0
    public var asked = 0
    public var claimed = 0
    public var refunded = 0
    /// Answered SENT or RFUND_ING: not settled yet.
    public var waiting = 0
    /// NOT_FOUND, SENDING, FREQ_LIMIT past its retries, or no usable answer.
    public var unanswered = 0
    public var discrepancies: [PacketDiscrepancy] = []
}

public enum ReconcileEvent: Sendable {
    case started(ReconcileProgress)
    case answered(SentPacket, PacketFinding, ReconcileProgress)
}

/// One reconcile pass: what it learned, how it ended, and the campaign's packets after it.
public struct ReconcileReport: Sendable {
    public var end: ReconcileEnd
    public var progress: ReconcileProgress
    public var packets: PacketSummary
}
