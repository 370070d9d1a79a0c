import Foundation
@testable import PayoutKit
import Testing

/// What one gethbinfo answer proves about a sent packet: the API's fields read as they come
/// (Beijing times, refund), and only an answer that agrees with the ledger is ever applied.
@Suite struct PacketFindingTests {
    static let packet = SentPacket(
        itemID: 7, line: 8, openid: "oxTWIuGaIt6gTKsQRLau2M0yL16E", amount: Amount(fen: 1000),
        billNumber: BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 42))

    /// gethbinfo's answer as the live API nests it: the recipient and rcv_time in hblist/hbinfo.
    static func answer(
        status: String, openid: String = packet.openid, amount: String = "1000", extra: [(String, String)] = [],
        rcvTime: String? = nil
    ) -> QueryOutcome {
        var info = [XMLNode(name: "openid", text: openid), XMLNode(name: "amount", text: amount)]
        if let rcvTime { info.append(XMLNode(name: "rcv_time", text: rcvTime)) }
        let fields = [("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("mch_billno", packet.billNumber.rawValue),
                      ("detail_id", "1000041701202702120000000000001"), ("status", status), ("total_amount", amount)] + extra
        let root = XMLNode(name: "xml", children: fields.map { XMLNode(name: $0.0, text: $0.1) }
            + [XMLNode(name: "hblist", children: [XMLNode(name: "hbinfo", children: info)])])
        let body = try! XMLMessage.encode(root)
        return AnswerPolicy.classifyQuery(.success(HTTPResponse(status: 200, body: body)), signer: AnswerPolicyTests.signer)
    }

    @Test func receivedCarriesTheClaimTimeReadAsBeijingTime() throws {
        let outcome = Self.answer(status: "RECEIVED", rcvTime: "2027-02-12 10:00:30")
        guard case .observed(let record) = PacketFinding(outcome, for: Self.packet) else {
            Issue.record("a consistent RECEIVED is observed: \(outcome)")
            return
        }
        #expect(record.status == .received)
        #expect(record.receivedAt.map(BeijingTime.iso8601) == "2027-02-12T10:00:30.000+08:00")
        #expect(record.refundedAt == nil && record.refundAmount == nil)
    }

    @Test func refundCarriesItsTimeAndAmount() throws {
        let outcome = Self.answer(status: "REFUND", extra: [("refund_time", "2027-02-13 10:01:00"), ("refund_amount", "1000")])
        guard case .observed(let record) = PacketFinding(outcome, for: Self.packet) else {
            Issue.record("a consistent REFUND is observed: \(outcome)")
            return
        }
        #expect(record.refundedAt.map(BeijingTime.iso8601) == "2027-02-13T10:01:00.000+08:00")
        #expect(record.refundAmount == Amount(fen: 1000))
    }

    @Test(arguments: ["2027-02-13T10:01:00", "2027-02-13 10:01", "13/02/2027 10:01:00", "2027-02-13 1O:01:00", ""])
    func aMalformedTimeIsNoTime(_ text: String) {
        #expect(BeijingTime.date(fromAPITimestamp: text) == nil)
    }

    @Test func contradictionsAreDiscrepanciesNeverObservations() {
        let cases: [(QueryOutcome, String)] = [
            (Self.answer(status: "RECEIVED", openid: "oOtherRecipient00000000000001"),
             "gethbinfo reports recipient oOtherRecipient00000000000001, not \(Self.packet.openid)"),
            (Self.answer(status: "SENT", amount: "2000"), "gethbinfo reports 2000 fen, not 1000"),
            (Self.answer(status: "FAILED", extra: [("reason", "发放失败")]),
             "gethbinfo says FAILED (发放失败), but the ledger holds the item as sent"),
            (Self.answer(status: "REFUND", extra: [("refund_amount", "1001")]),
             "gethbinfo reports a refund of 1001 fen, more than the 1000 paid"),
            (Self.answer(status: "REFUND", extra: [("refund_time", "2027-02-13 10:01:00"), ("refund_amount", "400")]),
             "gethbinfo reports a refund of 400 fen of the 1000 paid"),
        ]
        for (outcome, detail) in cases {
            guard case .discrepancy(_, let found) = PacketFinding(outcome, for: Self.packet) else {
                Issue.record("\(outcome) must be a discrepancy")
                continue
            }
            #expect(found == detail)
        }
    }

    @Test func answersThatProveNothingAreUnanswered() {
        #expect(PacketFinding(Self.answer(status: "SENDING"), for: Self.packet) == .unanswered(reason: "gethbinfo: SENDING"))
        #expect(PacketFinding(.notFound, for: Self.packet) == .unanswered(reason: "gethbinfo: NOT_FOUND"))
        let incompleteRefunds = [
            Self.answer(status: "REFUND"),
            Self.answer(status: "REFUND", extra: [("refund_amount", "1000")]),
            Self.answer(status: "REFUND", extra: [("refund_time", "2027-02-13 10:01:00")]),
            Self.answer(status: "REFUND", extra: [("refund_time", "13/02/2027"), ("refund_amount", "1000")]),
        ]
        for refund in incompleteRefunds {
            #expect(PacketFinding(refund, for: Self.packet) == .unanswered(reason: "gethbinfo: REFUND without refund_time and refund_amount"),
                    "no proof the money came back, so nothing reissue could pay again on: \(refund)")
        }
        let throttled = AnswerPolicy.classifyQuery(AnswerPolicyTests.failure("FREQ_LIMIT"), signer: AnswerPolicyTests.signer)
        #expect(throttled == .throttled(code: "FREQ_LIMIT"))
        #expect(PacketFinding(throttled, for: Self.packet) == .throttled)
    }
}
