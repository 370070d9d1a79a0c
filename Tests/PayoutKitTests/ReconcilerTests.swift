import Foundation
@testable import PayoutKit
import Testing

/// A reconcile pass against a scripted server and a real ledger: it asks only about sent
/// packets that are not settled, records what agrees with the ledger, and keeps a
/// contradiction beside the item without applying it.
@Suite struct ReconcilerTests {
    @Test func aForgedRecipientIsADiscrepancyAndASettledPacketIsNeverAsked() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300, 400]) { fixture in
            let items = try await fixture.claim(4)
            for item in items { try await fixture.pay(item) }
            try await fixture.packet(items[0], .received)
            let api = ScriptedAPI()
            await api.paid(items[0].billNumber, to: items[0].openid, amount: items[0].amount)
            let stranger = "oSomeoneElse0000000000000001"
            await api.paid(items[1].billNumber, to: stranger, amount: items[1].amount)
            await api.paid(items[3].billNumber, to: items[3].openid, amount: items[3].amount)

            let reconciler = Reconciler(ledger: fixture.ledger, api: api, campaign: fixture.campaign, perMinute: 60_000)
            let first = try await reconciler.run()
            let asked = Set([items[1], items[2], items[3]].map { ScriptedAPI.Request.query($0.billNumber) })
            #expect(Set(await api.requests) == asked, "the claimed packet is never asked about")
            #expect(await api.requests.count == 3)
            #expect(first.end == .unsettled(3))
            #expect(first.progress.discrepancies.map(\.detail) == ["gethbinfo reports recipient \(stranger), not \(items[1].openid)"])
            #expect(first.progress.unanswered == 1, "NOT_FOUND proves nothing")
            #expect(first.packets.discrepancies == 1)

            let forged = try #require(try await fixture.item(items[1].id))
            #expect(forged.state == .sent && forged.packetStatus == nil, "the contradiction is not applied")
            #expect(forged.billNumber == items[1].billNumber.rawValue)
            #expect(try await fixture.item(items[3].id)?.packetStatus == "SENT")
            #expect(try fixture.column("SELECT detail FROM discrepancies") == ["gethbinfo reports recipient \(stranger), not \(items[1].openid)"])

            _ = try await reconciler.run()
            #expect(await api.requests.count == 6, "the unsettled ones are asked again, the claimed one still not")
            #expect(try fixture.column("SELECT COUNT(*) FROM discrepancies") == ["1"], "one row per item and bill number")
        }
    }
}
