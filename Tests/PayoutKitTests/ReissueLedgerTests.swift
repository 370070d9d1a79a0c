import Foundation
@testable import PayoutKit
import Testing

/// The reissue plan and its one transition, on a real ledger: only items proven unpaid are
/// selected, each gets a never-used number from the ledger's allocator, the old number and
/// what it proved stay in the history, and the budget covers paid plus to-be-paid.
@Suite struct ReissueLedgerTests {
    static let later = ReportLedger.morning.addingTimeInterval(3600)

    /// Five items: SEND_FAILED, EXPIRED, a legacy FATAL_ERROR failure, retrying, sent and refunded.
    static func withOutcomes(_ body: (ReportLedger, [WorkItem]) async throws -> Void) async throws {
        try await ReportLedger.with(amounts: [100, 200, 300, 400, 500]) { fixture in
            let items = try await fixture.claim(5)
            try await fixture.fail(items[0], code: "SEND_FAILED")
            try await fixture.fail(items[1], code: "EXPIRED")
            try await fixture.fail(items[2], code: "FATAL_ERROR")
            try await fixture.request(items[3], at: 1, outcome: "unknown", state: .retrying, code: "SYSTEMERROR")
            try await fixture.pay(items[4])
            try await fixture.packet(items[4], .refunded, refund: 500)
            try await body(fixture, items)
        }
    }

    @Test func thePlanSelectsOnlyWhatIsProvenUnpaidAndSaysWhyNotTheRest() async throws {
        try await Self.withOutcomes { fixture, items in
            let plan = try await fixture.ledger.reissuePlan(fixture.campaign, selection: ReissueSelection(), budget: nil)
            #expect(plan.itemIDs == [items[0].id, items[1].id])
            #expect(plan.groups == [.init(label: "EXPIRED", count: 1, amount: Amount(fen: 200)),
                                    .init(label: "SEND_FAILED", count: 1, amount: Amount(fen: 100))])
            #expect(Set(plan.excluded.map(\.label)) == [
                "failed FATAL_ERROR: does not prove the item unpaid (a payment may exist under its bill number)",
                "retrying (outcome unknown): payout run settles it under its own bill number",
                "refunded (unclaimed): pass --refunded to pay them again",
            ])
            #expect(plan.committed == Amount(fen: 400), "the retrying item may still be paid; the refund came back")

            let refunds = try await fixture.ledger.reissuePlan(
                fixture.campaign, selection: ReissueSelection(codes: [ErrorCode("SEND_FAILED")], refunded: true), budget: nil)
            #expect(refunds.itemIDs == [items[0].id, items[4].id])
            #expect(refunds.groups.map(\.label) == ["REFUND", "SEND_FAILED"])
            #expect(refunds.excluded.contains { $0.label == "failed EXPIRED: not in --codes" && $0.count == 1 })
        }
    }

    @Test func reissueGivesNewNumbersAndKeepsTheOldOnesInHistory() async throws {
        try await Self.withOutcomes { fixture, items in
            let selection = ReissueSelection(refunded: true)
            let plan = try await fixture.ledger.reissuePlan(fixture.campaign, selection: selection, budget: Amount(fen: 1500))
            #expect(try await fixture.reissue(plan, selection: selection, now: Self.later) == 3)

            let reissued = [items[0], items[1], items[4]]
            let previous = try await fixture.ledger.previousBillNumbers("c1")
            var fresh = Set<String>()
            for old in reissued {
                let item = try #require(try await fixture.item(old.id))
                let bill = try #require(item.billNumber)
                #expect(item.state == .pending && item.attempts == 0 && item.errCode == nil && item.sendListID == nil)
                #expect(item.packetStatus == nil && item.refundAmount == nil)
                #expect(bill != old.billNumber.rawValue)
                #expect(previous[old.id] == [old.billNumber.rawValue])
                fresh.insert(bill)
            }
            let sequences = fresh.map { Int($0.suffix(7))! }.sorted()
            #expect(sequences == [6, 7, 8], "drawn from the same per-day sequence as claim, after its five")
            #expect(try fixture.column("SELECT reason FROM bill_history ORDER BY id") == [
                "proven unpaid: SEND_FAILED", "proven unpaid: EXPIRED", "refunded unclaimed: paid again (--refunded)",
            ])
            #expect(try fixture.column("SELECT refund_amount FROM bill_history WHERE state = 'sent'") == ["500"])
            #expect(try await fixture.item(items[2].id)?.billNumber == items[2].billNumber.rawValue, "FATAL_ERROR keeps its number")
            #expect(try await fixture.item(items[3].id)?.billNumber == items[3].billNumber.rawValue, "retrying keeps its number")

            let work = try await fixture.ledger.openWork("c1")
            let carried = work.carried.filter { $0.state == .pending }
            #expect(carried.map(\.id) == reissued.map(\.id), "the next run sends them under their new numbers")
            #expect(carried.allSatisfy { $0.firstRequestAt == nil && fresh.contains($0.billNumber.rawValue) },
                    "a new number's age starts at its first request, not at the reissue")
        }
    }

    @Test func overBudgetOrAChangedLedgerChangesNothing() async throws {
        try await Self.withOutcomes { fixture, items in
            let selection = ReissueSelection(refunded: true)
            let tight = try await fixture.ledger.reissuePlan(fixture.campaign, selection: selection, budget: Amount(fen: 1199))
            #expect(tight.isOverBudget, "400 committed + 800 selected is above 11.99 yuan")
            #expect(tight.committedAfter == Amount(fen: 1200))
            await #expect(throws: ReissueRefusal.overBudget(committed: Amount(fen: 400), selected: Amount(fen: 800), budget: Amount(fen: 1199))) {
                try await fixture.reissue(tight, selection: selection, now: Self.later)
            }
            let plan = try await fixture.ledger.reissuePlan(fixture.campaign, selection: ReissueSelection(), budget: nil)
            try await fixture.fail(items[3], code: "SEND_FAILED")
            await #expect(throws: ReissueRefusal.selectionChanged) {
                try await fixture.reissue(plan, selection: ReissueSelection(), now: Self.later)
            }
            #expect(try await fixture.ledger.previousBillNumbers("c1").isEmpty)
            #expect(try await fixture.ledger.items("c1").map(\.billNumber) == items.map { $0.billNumber.rawValue as String? })
        }
    }

    @Test func codesMustProveNonPayment() throws {
        #expect(try ReissueSelection.codes(parsing: "send_failed, EXPIRED") == [ErrorCode("SEND_FAILED"), ErrorCode("EXPIRED")])
        let accepted = "BILLNO_CONFLICT, EXPIRED, FAILED, MONEY_LIMIT, NO_AUTH, OPENID_ERROR, PARAM_ERROR, RCVDAMOUNT_LIMIT, "
            + "SENDNUM_LIMIT, SEND_FAILED"
        #expect(throws: ReissueSelection.CodesError(description: "--codes: FATAL_ERROR does not prove an item unpaid; reissue takes \(accepted)")) {
            try ReissueSelection.codes(parsing: "SEND_FAILED,FATAL_ERROR")
        }
        #expect(throws: ReissueSelection.CodesError(description: "--codes needs at least one err_code, e.g. --codes SEND_FAILED")) {
            try ReissueSelection.codes(parsing: " , ")
        }
    }
}
