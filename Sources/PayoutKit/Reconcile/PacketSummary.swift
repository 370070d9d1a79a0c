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
}
