import Foundation
@testable import PayoutKit
import Testing

/// The schema's own guard, whoever writes to the file: a bill number never changes and a
/// final item never changes state — except by the reissue transition, which must leave its
/// history row first — and a settled packet never changes.
@Suite struct LedgerTriggerTests {
    static func refusal(_ fixture: ReportLedger, _ statement: String) -> String? {
        do {
            try fixture.sql(statement)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aPlainUpdateOfABillNumberOrAFinalStateStillAborts() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300]) { fixture in
            let items = try await fixture.claim(3)
            try await fixture.fail(items[0], code: "SEND_FAILED")
            try await fixture.pay(items[1])
            let fresh = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 9_999_999).rawValue
            for item in items {
                #expect(Self.refusal(fixture, "UPDATE items SET bill_number = '\(fresh)' WHERE id = \(item.id)")?
                    .contains("an item's bill number never changes") == true, "line \(item.line)")
            }
            for (item, state) in [(items[0], "pending"), (items[1], "pending"), (items[1], "retrying"), (items[0], "sent")] {
                #expect(Self.refusal(fixture, "UPDATE items SET state = '\(state)' WHERE id = \(item.id)")?
                    .contains("a final item never changes state") == true, "line \(item.line) to \(state)")
            }
            #expect(try await fixture.item(items[0].id)?.billNumber == items[0].billNumber.rawValue)
            #expect(try await fixture.item(items[1].id)?.state == .sent)
        }
    }

    /// A handed-back item is marked `sending` under the number it holds, once: the mark is
    /// refused for an item no longer pending under it.
    @Test func aPendingItemIsMarkedSendingUnderItsOwnNumberOnly() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let claimed = try await fixture.claim(1)
            try await fixture.ledger.release(claimed)
            let now = ReportLedger.morning.addingTimeInterval(60)
            var item = claimed[0]
            item.state = .pending
            let marked = try await fixture.ledger.markSending(item, now: now)
            #expect(marked.state == .sending && marked.firstRequestAt == now)
            #expect(try await fixture.item(item.id)?.state == .sending)
            let carried = try #require(try await fixture.ledger.openWork("c1").carried.first { $0.id == item.id })
            #expect(carried.firstRequestAt == now, "aged from the mark")
            await #expect(throws: LedgerError.self) { try await fixture.ledger.markSending(item, now: now) }
        }
    }

    @Test func onlyAHistoryRowNamingTheNewNumberLetsTheNumberChange() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300]) { fixture in
            let items = try await fixture.claim(2)
            try await fixture.fail(items[0], code: "SEND_FAILED")
            let old = items[0].billNumber.rawValue
            let named = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 9_999_998).rawValue
            let other = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 9_999_997).rawValue
            let history = "INSERT INTO bill_history (item_id, bill_number, replaced_by, state, attempts, replaced_at, reason)"
            #expect(Self.refusal(fixture, "\(history) VALUES (\(items[1].id), '\(items[1].billNumber)', '\(named)', 'sending', 0, 'now', 'x')")?
                .contains("only the current bill number of a failed item or of a refunded packet can be replaced") == true,
                "an item whose outcome is unknown never gets a history row")
            #expect(Self.refusal(fixture, "\(history) VALUES (\(items[0].id), '\(old)', '\(old)', 'failed', 1, 'now', 'x')") != nil,
                "a number is never replaced by itself")
            try fixture.sql("BEGIN; \(history) VALUES (\(items[0].id), '\(old)', '\(named)', 'failed', 1, 'now', 'x'); COMMIT;")
            #expect(Self.refusal(fixture, "UPDATE items SET bill_number = '\(other)' WHERE id = \(items[0].id)")?
                .contains("an item's bill number never changes") == true, "only the number the history row names")
            #expect(Self.refusal(fixture, "UPDATE items SET bill_number = '\(other)', state = 'pending' WHERE id = \(items[0].id)")?
                .contains("never changes") == true, "nor with the state")
            #expect(Self.refusal(fixture, "UPDATE items SET state = 'pending' WHERE id = \(items[0].id)")?
                .contains("a final item never changes state") == true, "a failed item keeps its state under its old number")
            try fixture.sql("UPDATE items SET bill_number = '\(named)', state = 'pending' WHERE id = \(items[0].id)")
            let neverClaimed = fixture.campaign.itemIDs.upperBound
            #expect(Self.refusal(fixture, "UPDATE items SET bill_number = '\(old)', state = 'sending' WHERE id = \(neverClaimed)")?
                .contains("a replaced bill number is never used again") == true)
            #expect(Self.refusal(fixture, "UPDATE bill_history SET replaced_by = '\(other)'")?
                .contains("the bill-number history never changes") == true)
            #expect(Self.refusal(fixture, "DELETE FROM bill_history")?.contains("the bill-number history never changes") == true)
        }
    }

    @Test func aSettledPacketNeverChangesAndOnlyASentItemHasOne() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let items = try await fixture.claim(2)
            try await fixture.pay(items[0])
            try await fixture.packet(items[0], .received)
            for change in ["packet_status = 'REFUND'", "packet_status = 'SENT'", "received_at = 'later'", "refund_amount = 100"] {
                #expect(Self.refusal(fixture, "UPDATE items SET \(change) WHERE id = \(items[0].id)")?
                    .contains("a claimed or refunded packet never changes") == true, "\(change)")
            }
            #expect(Self.refusal(fixture, "UPDATE items SET packet_status = 'SENT' WHERE id = \(items[1].id)")?
                .contains("only a sent item has a packet status") == true)
        }
    }
}
