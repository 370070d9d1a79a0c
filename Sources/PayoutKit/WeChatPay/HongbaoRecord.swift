import Foundation

/// What gethbinfo says about one bill number.
public struct HongbaoRecord: Sendable, Equatable {
    /// The server's `status`, spelled as the API spells it.
    public enum Status: String, Sendable, Equatable {
        case sending = "SENDING"
        case sent = "SENT"
        case failed = "FAILED"
        case received = "RECEIVED"
        case refunding = "RFUND_ING"
        case refunded = "REFUND"

        /// Money left the merchant's account under this bill number: the item is paid.
        public var meansPaid: Bool {
            switch self {
            case .sent, .received, .refunding, .refunded: return true
            case .sending, .failed: return false
            }
        }
    }

    public var billNumber: String
    public var status: Status
    public var detailID: String
    public var openid: String?
    public var amount: Amount?
    public var reason: String?
    /// hbinfo's `rcv_time`: when the recipient opened the packet.
    public var receivedAt: Date?
    /// `refund_time` and `refund_amount`: when and how much went back to the merchant.
    public var refundedAt: Date?
    public var refundAmount: Amount?

    public init(
        billNumber: String, status: Status, detailID: String, openid: String?, amount: Amount?, reason: String?,
        receivedAt: Date? = nil, refundedAt: Date? = nil, refundAmount: Amount? = nil
    ) {
        self.billNumber = billNumber
        self.status = status
        self.detailID = detailID
        self.openid = openid
        self.amount = amount
        self.reason = reason
        self.receivedAt = receivedAt
        self.refundedAt = refundedAt
        self.refundAmount = refundAmount
    }

    /// Whether this is gethbinfo's record of `expected` at all: an answer naming another bill
    /// number says nothing about ours.
    public func isRecord(of expected: BillNumber) -> Bool {
        billNumber.isEmpty || billNumber == expected.rawValue
    }

    /// What in this record shows a payment other than the one the ledger expects (another
    /// recipient or amount), if anything. The server keeps one record per bill number, so
    /// such a record proves the expected payment was not made under the number, and never
    /// can be.
    public func otherPayment(openid: String, amount: Amount) -> String? {
        if let recorded = self.openid, recorded != openid { return "gethbinfo reports recipient \(recorded), not \(openid)" }
        if let recorded = self.amount, recorded != amount { return "gethbinfo reports \(recorded.fen) fen, not \(amount.fen)" }
        return nil
    }
}

public enum QueryOutcome: Sendable, Equatable {
    case found(HongbaoRecord)
    /// Not (yet) known to the server: the send may still be in progress.
    case notFound
    /// FREQ_LIMIT: nothing learned, and the server asks for fewer queries.
    case throttled(code: String)
    case unknown(reason: String)
    case stopRun(StopReason)
}
