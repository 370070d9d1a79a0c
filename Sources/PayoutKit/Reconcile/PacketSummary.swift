import Foundation

/// What became of a campaign's paid packets, as far as `reconcile` has learned: what
/// `status` shows after the per-state counts. Amounts are the items' (refunded: what the
/// server says came back).
public struct PacketSummary: Sendable, Equatable {
    public typealias Tally = CampaignStatus.Tally

    /// Every `sent` item.
    public var sent = Tally()
    /// RECEIVED: opened by the recipient.
    public var claimed = Tally()
    /// RFUND_ING: on its way back to the merchant.
    public var refunding = Tally()
    /// REFUND: back with the merchant, by `refund_amount`.
    public var refunded = Tally()
    /// SENT, or never reconciled: neither claimed nor refunded yet, as far as the ledger knows.
    public var notYetClaimed = Tally()
    /// Sent items gethbinfo has answered about under their current bill number: reconcile has
    /// learned something even when no pass went through every packet (a million packets take
    /// longer than a day at the query rate, so a pass is often interrupted).
    public var answered = 0
    /// Items whose current bill number drew a gethbinfo answer that contradicts the ledger.
    public var discrepancies = 0
    /// Items that were given a new bill number by `reissue`.
    public var reissued = 0
    /// When a reconcile pass last went through every unsettled packet; nil if none ever did.
    public var lastReconciled: Date?

    public init() {}

    /// Sent packets whose fate is not decided yet (the reconcile's exit 75).
    public var unsettled: Int { notYetClaimed.count + refunding.count }

    /// Claimed packets as a share of the sent ones, in percent; nil when nothing was sent.
    public var claimedPercent: Double? {
        sent.count == 0 ? nil : Double(claimed.count) * 100 / Double(sent.count)
    }

    /// The same share in tenths of a percent, rounded half up from integers: what people read
    /// (`status`, the HTML report), so that both print the same figure.
    public var claimedPermille: Int? {
        sent.count == 0 ? nil : (claimed.count * 1000 + sent.count / 2) / sent.count
    }

    /// Reconcile has recorded something about this campaign's packets.
    public var isReconciled: Bool { lastReconciled != nil || answered > 0 }
}
