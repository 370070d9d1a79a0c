import Foundation
import PayoutKit

/// gethbinfo's answer about one bill number, with the live API's fields, so that a client's
/// settling and reconcile code read in the sandbox what they will read in production.
struct GethbinfoAnswer {
    let status: HongbaoRecord.Status
    private var fields: [(String, String?)]
    /// hblist's one hbinfo; nil when the recipient is unknown (a forced status on a number never requested).
    private var recipient: [(String, String?)]?

    /// Nil when the server knows nothing to report: NOT_FOUND. A forced status hides the
    /// packet's lifecycle, claim and refund times included.
    init?(billNumber: String, mchID: String, payment: SandboxPayment?, firstRequest: SandboxRequest?,
          forced: ForcedQueryStatus?, now: Date) {
        let packet = forced == nil ? payment?.state(at: now) : nil
        guard let status = forced?.status ?? packet?.status else { return nil }
        self.status = status
        let request = payment?.fingerprint ?? firstRequest?.fingerprint ?? [:]
        var received: Date?
        var refunded: (at: Date, amount: Int)?
        switch packet {
        case .received(let at): received = at
        case .refunded(let at, let amount): refunded = (at, amount)
        case .sent, .refunding, nil: break
        }
        fields = [
            ("return_code", "SUCCESS"), ("return_msg", "OK"), ("result_code", "SUCCESS"),
            ("err_code", "SUCCESS"), ("err_code_des", "OK"),
            ("mch_billno", billNumber), ("mch_id", mchID), ("detail_id", payment?.sendListID),
            ("status", status.rawValue), ("send_type", "API"), ("hb_type", "NORMAL"), ("total_num", "1"),
            ("total_amount", request["total_amount"]), ("reason", status == .failed ? "发放失败" : nil),
            ("send_time", (payment?.paidAt ?? firstRequest?.at).map(Self.beijingTimestamp)),
            ("refund_time", refunded.map { Self.beijingTimestamp($0.at) }), ("refund_amount", refunded.map { String($0.amount) }),
            ("wishing", request["wishing"]), ("remark", request["remark"]), ("act_name", request["act_name"]),
        ]
        recipient = request["re_openid"].map { openid in
            [("openid", openid), ("amount", request["total_amount"]), ("rcv_time", received.map(Self.beijingTimestamp))]
        }
    }

    func encoded() -> [UInt8] {
        var root = XMLNode(name: "xml", children: Self.nodes(fields))
        if let recipient {
            root.children.append(XMLNode(name: "hblist", children: [XMLNode(name: "hbinfo", children: Self.nodes(recipient))]))
        }
        return (try? XMLMessage.encode(root)) ?? []
    }

    /// Only the fields that have a value, as the live API leaves out what does not apply.
    private static func nodes(_ fields: [(String, String?)]) -> [XMLNode] {
        fields.compactMap { name, value in value.map { XMLNode(name: name, text: $0) } }
    }

    /// The API's "yyyy-MM-dd HH:mm:ss", Beijing time.
    private static func beijingTimestamp(_ date: Date) -> String {
        let c = BeijingTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
