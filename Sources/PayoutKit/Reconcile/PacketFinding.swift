/// What one gethbinfo answer proves about a sent packet. Only a record that agrees with the
/// ledger — same bill number, recipient and amount, and a status that means paid — is
/// recorded on the item; one that contradicts it is a discrepancy, kept beside the item and
/// never applied; anything else teaches nothing and the packet is asked about again later.
public enum PacketFinding: Sendable, Equatable {
    /// SENT, RECEIVED, RFUND_ING or REFUND, with the API's times.
    case observed(HongbaoRecord)
    case discrepancy(status: HongbaoRecord.Status, detail: String)
    /// NOT_FOUND, SENDING, or no usable answer.
    case unanswered(reason: String)
    /// FREQ_LIMIT: ask again, more slowly.
    case throttled
    /// The server refused the merchant's set-up: stop asking.
    case stop(StopReason)

    public init(_ answer: QueryOutcome, for packet: SentPacket) {
        switch answer {
        case .found(let record):
            self = Self.judge(record, for: packet)
        case .notFound:
            self = .unanswered(reason: "gethbinfo: NOT_FOUND")
        case .throttled:
            self = .throttled
        case .unknown(let reason):
            self = .unanswered(reason: reason)
        case .stopRun(let reason):
            self = .stop(reason)
        }
    }

    private static func judge(_ record: HongbaoRecord, for packet: SentPacket) -> PacketFinding {
        guard record.isRecord(of: packet.billNumber) else {
            return .discrepancy(status: record.status, detail: "gethbinfo answered for bill number \(record.billNumber)")
        }
        if let otherPayment = record.otherPayment(openid: packet.openid, amount: packet.amount) {
            return .discrepancy(status: record.status, detail: otherPayment)
        }
        if let refund = record.refundAmount, refund > packet.amount {
            return .discrepancy(status: record.status, detail: "gethbinfo reports a refund of \(refund.fen) fen, more than the \(packet.amount.fen) paid")
        }
        switch record.status {
        case .refunded:
            return refundProof(record, for: packet)
        case .failed:
            let reason = record.reason.map { " (\($0))" } ?? ""
            return .discrepancy(status: .failed, detail: "gethbinfo says FAILED\(reason), but the ledger holds the item as sent")
        case .sending:
            return .unanswered(reason: "gethbinfo: SENDING")
        case .sent, .received, .refunding:
            return .observed(record)
        }
    }

    /// REFUND is what `reissue --refunded` pays again on, so it counts only with the whole
    /// amount back, and when: an answer without them is asked again, a part refund (which a
    /// single packet never has) is a discrepancy.
    private static func refundProof(_ record: HongbaoRecord, for packet: SentPacket) -> PacketFinding {
        guard let refund = record.refundAmount, record.refundedAt != nil else {
            return .unanswered(reason: "gethbinfo: REFUND without refund_time and refund_amount")
        }
        guard refund == packet.amount else {
            return .discrepancy(status: .refunded, detail: "gethbinfo reports a refund of \(refund.fen) fen of the \(packet.amount.fen) paid")
        }
        return .observed(record)
    }
}
