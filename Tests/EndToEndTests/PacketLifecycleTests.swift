import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// What becomes of a paid packet over the sandbox's clock — claimed or refunded — as
/// gethbinfo reports it and as the sandbox's record holds it.
@Suite struct PacketLifecycleTests {
    static let paidAt = "2027-02-12 10:00:00"

    /// A sandbox whose clock stands at `paidAt` until the test advances it, with the packet
    /// lifecycle `configure` sets, and a client of it.
    func withLifecycle(
        _ configure: @escaping (inout PacketLifecycle) -> Void,
        _ body: (RedpackSandbox, RedpackClient, ManualClock) async throws -> Void
    ) async throws {
        let clock = ManualClock(beijing: Self.paidAt)
        try await withSandboxClient({ configuration in
            configuration.now = { clock.now() }
            configure(&configuration.lifecycle)
        }) { sandbox, client in
            try await body(sandbox, client, clock)
        }
    }

    /// Pays one packet and gives the test its bill number.
    func payOne(_ client: RedpackClient, _ sandbox: RedpackSandbox) async throws -> BillNumber {
        let request = redpack()
        let outcome = await client.send(request).outcome
        try #require(sandbox.record.payments[request.billNumber.rawValue] != nil, "the packet was not paid: \(outcome)")
        return request.billNumber
    }

    func status(_ client: RedpackClient, _ bill: BillNumber) async -> HongbaoRecord.Status? {
        guard case .found(let record) = await client.query(bill) else { return nil }
        return record.status
    }

    @Test func claimedPacketIsSentUntilItsClaimTimeThenReceived() async throws {
        try await withLifecycle({ lifecycle in
            lifecycle.claimProbability = 1
            lifecycle.claimDelay = 30
        }) { sandbox, client, clock in
            let bill = try await payOne(client, sandbox)
            let payment = try #require(sandbox.record.payments[bill.rawValue])
            let sent = try await sandbox.gethbinfo(bill)
            #expect(sent.fields["status"] == "SENT")
            #expect(sent.fields["send_time"] == Self.paidAt)
            #expect(sent.fields["detail_id"] == payment.sendListID)
            #expect(sent.child("hblist")?.child("hbinfo")?.fields == ["openid": payment.openid, "amount": "1000"])
            clock.advance(by: 29)
            #expect(await status(client, bill) == .sent)
            #expect(sandbox.record.packets(at: sandbox.now)[bill.rawValue] == .sent)
            clock.advance(by: 1)
            let received = try await sandbox.gethbinfo(bill)
            #expect(received.fields["status"] == "RECEIVED")
            #expect(received.child("hblist")?.child("hbinfo")?.fields["rcv_time"] == "2027-02-12 10:00:30")
            #expect(received.fields["refund_time"] == nil)
            #expect(sandbox.record.packets(at: sandbox.now)[bill.rawValue] == .received(at: beijingDate("2027-02-12 10:00:30")))
            clock.advance(by: 3 * 86_400)
            #expect(await status(client, bill) == .received, "a claimed packet is never refunded")
        }
    }

    @Test func unclaimedPacketIsRefundingAfterADayThenRefunded() async throws {
        try await withLifecycle({ _ in }) { sandbox, client, clock in
            let bill = try await payOne(client, sandbox)
            clock.advance(by: 86_399)
            #expect(await status(client, bill) == .sent)
            clock.advance(by: 1)
            let refunding = try await sandbox.gethbinfo(bill)
            #expect(refunding.fields["status"] == "RFUND_ING")
            #expect(refunding.fields["refund_time"] == nil)
            #expect(sandbox.record.packets(at: sandbox.now)[bill.rawValue] == .refunding(since: beijingDate("2027-02-13 10:00:00")))
            clock.advance(by: PacketLifecycle().refundDuration - 1)
            #expect(await status(client, bill) == .refunding)
            clock.advance(by: 1)
            let refunded = try await sandbox.gethbinfo(bill)
            #expect(refunded.fields["status"] == "REFUND")
            #expect(refunded.fields["refund_time"] == "2027-02-13 10:01:00")
            #expect(refunded.fields["refund_amount"] == "1000")
            #expect(refunded.child("hblist")?.child("hbinfo")?.fields["rcv_time"] == nil)
            #expect(sandbox.record.packets(at: sandbox.now)[bill.rawValue]
                == .refunded(at: beijingDate("2027-02-13 10:01:00"), amount: 1000))
        }
    }

    @Test func answerCarriesTheLiveAPIsFields() async throws {
        try await withLifecycle({ _ in }) { sandbox, client, clock in
            let bill = try await payOne(client, sandbox)
            let answer = try await sandbox.gethbinfo(bill)
            let request = redpack(bill)
            #expect(answer.fields["return_code"] == "SUCCESS")
            #expect(answer.fields["result_code"] == "SUCCESS")
            #expect(answer.fields["mch_billno"] == bill.rawValue)
            #expect(answer.fields["mch_id"] == sandbox.configuration.mchID)
            #expect(answer.fields["send_type"] == "API")
            #expect(answer.fields["hb_type"] == "NORMAL")
            #expect(answer.fields["total_num"] == "1")
            #expect(answer.fields["total_amount"] == "1000")
            #expect(answer.fields["wishing"] == request.wishing)
            #expect(answer.fields["remark"] == request.remark)
            #expect(answer.fields["act_name"] == request.actName)
            #expect(answer.fields["reason"] == nil, "only a FAILED packet has a reason")
        }
    }

    @Test func aClaimDueAfterTheRefundStartsNeverHappens() async throws {
        try await withLifecycle({ lifecycle in
            lifecycle.claimProbability = 1
            lifecycle.claimDelay = 600
            lifecycle.refundAfter = 300
        }) { sandbox, client, clock in
            let bill = try await payOne(client, sandbox)
            clock.advance(by: 900)
            #expect(await status(client, bill) == .refunded)
            #expect(sandbox.record.payments[bill.rawValue]?.fate
                == .refunded(DateInterval(start: beijingDate("2027-02-12 10:05:00"), duration: PacketLifecycle().refundDuration)))
        }
    }

    /// The figures a reconcile must reach: gethbinfo and the sandbox's record agree on every
    /// packet, at every moment, and the seeded claims split the campaign.
    @Test func gethbinfoAgreesWithTheRecordPacketByPacket() async throws {
        try await withLifecycle({ lifecycle in
            lifecycle.claimProbability = 0.5
            lifecycle.claimDelay = 60
        }) { sandbox, client, clock in
            var bills: [BillNumber] = []
            for _ in 0..<30 {
                bills.append(try await payOne(client, sandbox))
                clock.advance(by: 1)
            }
            for step: TimeInterval in [40, 86_400, 3600] {
                clock.advance(by: step)
                let truth = sandbox.record.packets(at: sandbox.now)
                for bill in bills {
                    #expect(await status(client, bill) == truth[bill.rawValue]?.status, "\(bill) after \(step) s more")
                }
            }
            let final = sandbox.record.packets(at: sandbox.now).values
            let claimed = final.filter { $0.status == .received }.count
            let refunded = final.compactMap { if case .refunded(_, let amount) = $0 { amount } else { nil } }
            #expect(claimed > 5 && refunded.count > 5, "claimed \(claimed), refunded \(refunded.count)")
            #expect(claimed + refunded.count == 30)
            #expect(refunded.reduce(0, +) == refunded.count * 1000)
        }
    }
}
