import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// gethbinfo answering SENDING and FAILED on demand, so each branch of the settling code
/// runs against a real server.
@Suite struct ForcedQueryStatusTests {
    @Test(arguments: ForcedQueryStatus.allCases)
    func forcedStatusIsAnsweredForPaidRequestedAndUnknownNumbers(_ forced: ForcedQueryStatus) async throws {
        try await withSandboxClient { sandbox, client in
            let expected: HongbaoRecord.Status = forced == .sending ? .sending : .failed
            let reason = forced == .failed ? "发放失败" : nil
            let paid = redpack(amount: 1000)
            let requested = redpack(amount: 2000)
            let unknown = TestBills.next()
            _ = await client.send(paid)
            sandbox.setFaults(systemError: 1)
            _ = await client.send(requested)
            sandbox.setFaults()
            #expect(await client.query(requested.billNumber) == .notFound, "a request answered SYSTEMERROR was not paid")
            let listID = try #require(sandbox.record.payments[paid.billNumber.rawValue]?.sendListID)

            for bill in [paid.billNumber, requested.billNumber, unknown] {
                sandbox.forceQueryStatus(billNumber: bill.rawValue, status: forced)
            }
            let cases: [(BillNumber, detailID: String, openid: String?, amount: Int?)] = [
                (paid.billNumber, listID, paid.openid, 1000),
                (requested.billNumber, "", requested.openid, 2000),
                (unknown, "", nil, nil),
            ]
            for (bill, detailID, openid, amount) in cases {
                guard case .found(let record) = await client.query(bill) else {
                    Issue.record("\(bill) must be found once forced")
                    continue
                }
                #expect(record.billNumber == bill.rawValue)
                #expect(record.status == expected)
                #expect(record.detailID == detailID)
                #expect(record.openid == openid)
                #expect(record.amount == amount.map(Amount.init(fen:)))
                #expect(record.reason == reason)
            }

            for bill in [paid.billNumber, requested.billNumber, unknown] {
                sandbox.forceQueryStatus(billNumber: bill.rawValue, status: nil)
            }
            guard case .found(let truth) = await client.query(paid.billNumber) else {
                Issue.record("the paid number is found again")
                return
            }
            #expect(truth.status == .sent)
            #expect(await client.query(requested.billNumber) == .notFound)
            #expect(await client.query(unknown) == .notFound)
        }
    }

    /// Items whose sends stay unknown, settled in the next run: FAILED fails the item unpaid,
    /// SENDING settles nothing and the item is sent again under its bill number.
    @Test func runSettlesLingeringItemsByTheForcedStatus() async throws {
        let folder = try generatedCampaign(count: 2, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.systemErrorProbability = 1 }) { sandbox in
            let first = try await runCampaign(folder, against: sandbox) { $0.retry.attemptsPerRun = RetryPolicy().queryAfter }
            #expect(first == .retriesExhausted(items: 2))
            let lingering = try await withLedger(folder) { try await $0.items("c1") }
            let failing = try #require(lingering[0].billNumber)
            let sending = try #require(lingering[1].billNumber)
            sandbox.forceQueryStatus(billNumber: failing, status: .failed)
            sandbox.forceQueryStatus(billNumber: sending, status: .sending)
            sandbox.setFaults()

            let second = try await runCampaign(folder, against: sandbox)
            #expect(second == .complete)
            let items = Dictionary(uniqueKeysWithValues: try await withLedger(folder) { try await $0.items("c1") }
                .map { ($0.billNumber ?? "", $0) })
            #expect(items[failing]?.state == .failed)
            #expect(items[failing]?.errCode == "FAILED")
            #expect(items[sending]?.state == .sent)
            #expect(sandbox.record.payments.keys.sorted() == [sending])
            #expect(sandbox.record.requestsByBillNumber[failing] == RetryPolicy().queryAfter, "FAILED is never sent again")
        }
    }
}
