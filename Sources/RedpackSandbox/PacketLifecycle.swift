import Foundation
import PayoutKit

/// What becomes of paid packets over time, as `--claim` and `--refund-after` describe it.
/// Each packet's fate is drawn once, when it is paid, so the sandbox's record can tell a
/// test exactly which packets are claimed and when — the truth a reconcile is checked against.
public struct PacketLifecycle: Sendable, Equatable {
    /// The default 0 is a sandbox without recipients: like every unclaimed packet on the
    /// live API, each one goes back to the merchant after `refundAfter`.
    public var claimProbability = 0.0
    /// How long after payment a packet that is claimed is opened.
    public var claimDelay: TimeInterval = 5
    /// How long after payment an unclaimed packet starts going back (the live API: 24 hours).
    public var refundAfter: TimeInterval = 86_400
    /// How long gethbinfo reports RFUND_ING before REFUND. The API documents no figure; a
    /// minute is long enough for a test to see the phase and short enough to watch it end.
    public var refundDuration: TimeInterval = 60

    public init() {}

    /// A claim due after the refund has started never happens: the money is already going back.
    func fate(paidAt: Date, using random: inout SeededRandom) -> PacketFate {
        let refundStart = paidAt.addingTimeInterval(refundAfter)
        if random.chance(claimProbability), claimDelay < refundAfter {
            return .claimed(at: paidAt.addingTimeInterval(claimDelay))
        }
        return .refunded(DateInterval(start: refundStart, duration: refundDuration))
    }
}

/// What will become of one paid packet: opened by its recipient, or refunded over an interval.
public enum PacketFate: Sendable, Equatable, Codable {
    case claimed(at: Date)
    /// RFUND_ING from the interval's start, REFUND from its end.
    case refunded(DateInterval)
}
