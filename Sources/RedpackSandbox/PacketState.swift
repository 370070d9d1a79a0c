import Foundation
import PayoutKit

/// Where one paid packet stands at a given moment: what gethbinfo reports for it, and what a
/// reconcile of the same moment must have recorded.
public enum PacketState: Sendable, Equatable {
    /// Paid, not yet opened nor refunded.
    case sent
    case received(at: Date)
    case refunding(since: Date)
    /// The whole amount went back to the merchant.
    case refunded(at: Date, amount: Int)

    init(fate: PacketFate, amount: Int, at now: Date) {
        switch fate {
        case .claimed(let claimedAt):
            self = now < claimedAt ? .sent : .received(at: claimedAt)
        case .refunded(let refund):
            if now < refund.start {
                self = .sent
            } else if now < refund.end {
                self = .refunding(since: refund.start)
            } else {
                self = .refunded(at: refund.end, amount: amount)
            }
        }
    }

    /// The `status` gethbinfo answers.
    public var status: HongbaoRecord.Status {
        switch self {
        case .sent: .sent
        case .received: .received
        case .refunding: .refunding
        case .refunded: .refunded
        }
    }
}
