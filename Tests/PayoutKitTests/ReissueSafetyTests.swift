import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Testing

/// The two ways a cold review found reissue could pay twice, closed: an answer that never
/// proved anything, recorded as a failure by an earlier payout, and a new number aged from
/// the reissue instead of from its first request.
@Suite struct ReissueSafetyTests {
    @Test func anExpiredNumberAnswerFailedByAnEarlierPayoutIsNeverReissued() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300]) { fixture in
            let items = try await fixture.claim(3)
            try await fixture.request(items[0], at: 1, outcome: "failed", state: .failed, code: "PARAM_ERROR",
                                      message: "该订单已经过期，请更换商户单号")
            try await fixture.fail(items[1], code: "FATAL_ERROR")
            try await fixture.fail(items[2], code: "SEND_FAILED")
            let plan = try await fixture.ledger.reissuePlan(fixture.campaign, selection: ReissueSelection(), budget: nil)
            #expect(plan.itemIDs == [items[2].id], "only the proven failure")
            let withCode = try await fixture.ledger.reissuePlan(
                fixture.campaign, selection: ReissueSelection(codes: [ErrorCode("PARAM_ERROR")]), budget: nil)
            #expect(withCode.itemIDs.isEmpty, "--codes PARAM_ERROR does not take the expired-number answer either")
            #expect(throws: LedgerError.self, "the ledger itself refuses a history row for it") {
                try fixture.sql("""
                    INSERT INTO bill_history (item_id, bill_number, replaced_by, state, attempts, replaced_at, reason)
                    VALUES (\(items[0].id), '\(items[0].billNumber)', '1000009820270212X', 'failed', 1, 'now', 'forged')
                    """)
            }
        }
    }

    @Test func aReissuedNumberAgesFromItsFirstRequestNotFromTheReissue() async throws {
        try await ReportLedger.with(amounts: [100]) { fixture in
            let items = try await fixture.claim(1)
            try await fixture.fail(items[0], code: "SEND_FAILED")
            let selection = ReissueSelection()
            let reissuedAt = ReportLedger.morning.addingTimeInterval(3600)
            let plan = try await fixture.ledger.reissuePlan(fixture.campaign, selection: selection, budget: nil)
            _ = try await fixture.reissue(plan, selection: selection, now: reissuedAt)
            let clock = VirtualClock(start: reissuedAt.addingTimeInterval(25 * 3600), realTime: false)
            let api = ScriptedAPI(clock: clock)
            let settings = RunSettings(campaign: fixture.campaign, perMinute: 1800, quietHours: nil)
            let end = try await Runner(
                ledger: fixture.ledger, merchant: fixture.merchant, api: api, settings: settings, clock: clock, random: { 0 }).run()
            #expect(end == .complete)
            let item = try #require(try await fixture.item(items[0].id))
            #expect(item.state == .sent, "sent under its new number, not EXPIRED before it was ever sent")
            let renewed = try #require(BillNumber(item.billNumber ?? ""))
            #expect(await api.requests == [.send(renewed)], "sent once under its new number")
            #expect(await api.payments.count == 1)
        }
    }
}
