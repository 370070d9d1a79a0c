import Foundation
@testable import PayoutKit
import Testing

/// The claims on the page: the headline's packet figures or the line saying reconcile has not
/// run, and the claim curve's section, with and without claims.
@Suite struct ReportClaimPageTests {
    static let morning = ReportLedger.morning

    static func report(_ fixture: ReportLedger, at offset: TimeInterval = 7200) async throws -> CampaignReport {
        CampaignReport(try await fixture.ledger.reportSnapshot("c1"), settings: ReportClaimTests.settings,
                       generatedAt: morning.addingTimeInterval(offset))
    }

    @Test func theHeadlineShowsClaimedRefundedAndWhenReconcileLastRan() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300, 400]) { fixture in
            let items = try await fixture.claim(3)
            for item in items { try await fixture.request(item, at: 0, outcome: "sent", state: .sent) }
            try await fixture.packet(items[0], .received, received: Self.morning.addingTimeInterval(30))
            try await fixture.packet(items[1], .refunded, refund: 200)
            try await fixture.packet(items[2], .sent)
            try await fixture.ledger.markReconciled(fixture.campaign, at: Self.morning.addingTimeInterval(3600))

            let parsed = try ParsedHTML(ReportPage.html(try await Self.report(fixture)))
            #expect(parsed.problems.joined(separator: " / ") == "")
            let packets = parsed.elements(named: "ul").first { $0.attribute("aria-label") == "What became of the paid packets" }
            #expect(packets?.text == "Claimed已领取1¥1.00 · 33.3% of sent" + "Refunded已退款1¥2.00" + "Not yet claimed未领取1¥3.00")
            #expect(parsed.text.contains("Packets: as of the last reconcile, 2027-02-12 10:30:00 Beijing time."))
            #expect(!parsed.text.contains("not reconciled yet"))
            #expect(parsed.text.contains("Claimed: 1 of 3 sent packets (33.3%). Share of the sent packets claimed within 5 minutes of their send: 33.3%, "
                + "within an hour: 33.3%, within 24 hours: 33.3%. The rest: 1 refunded, 0 on their way back, 1 not claimed yet."))
            let charts = parsed.elements(named: "svg").filter { $0.attribute("aria-labelledby") == "claims-alt" }
            #expect(charts.map { $0.attribute("class") } == ["chart chart-wide", "chart chart-narrow"])
            #expect(charts.allSatisfy { $0.text.contains("33.3% within 24 h") && $0.text.contains("24 h") })
        }
    }

    @Test func anInterruptedPassStillShowsWhatItLearned() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let items = try await fixture.claim(2)
            for item in items { try await fixture.request(item, at: 0, outcome: "sent", state: .sent) }
            try await fixture.packet(items[0], .sent)
            let html = ReportPage.html(try await Self.report(fixture))
            #expect(html.contains("no reconcile has gone through every packet yet: run payout reconcile again."))
            #expect(html.contains("id=\"claims-alt\""))
        }
    }

    @Test func withoutReconcileThePageSaysSoInOneLine() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let nothingSent = try ParsedHTML(ReportPage.html(try await Self.report(fixture)))
            #expect(!nothingSent.text.contains("not reconciled yet"), "nothing paid, nothing to reconcile")

            try await fixture.request(try await fixture.claim(1)[0], at: 0, outcome: "sent", state: .sent)
            let html = ReportPage.html(try await Self.report(fixture))
            let parsed = try ParsedHTML(html)
            #expect(parsed.text.contains("Claims and refunds: not reconciled yet — run payout reconcile m.yaml to learn which packets were opened."))
            #expect(!html.contains("claims-alt") && !html.contains("已领取"), "no claim figures or curve")
            #expect(parsed.elements(named: "ul").filter { $0.attribute("class") == "figures" }.count == 1)
        }
    }

    @Test func aCampaignWithNoClaimsDrawsAFlatCurveAndTheRefundsAsTheRemainder() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300]) { fixture in
            let items = try await fixture.claim(3)
            for item in items { try await fixture.request(item, at: 0, outcome: "sent", state: .sent) }
            try await fixture.packet(items[0], .refunded, refund: 100)
            try await fixture.packet(items[1], .refunding)
            try await fixture.packet(items[2], .sent)
            let report = try await Self.report(fixture, at: 2 * 86_400)
            let curve = try #require(report.claimCurve)
            #expect(curve.intervals.allSatisfy { $0.claimed == 0 && $0.cumulative == 0 })
            #expect(curve.points.map { [$0.minute, $0.claimed] } == [[0, 0], [1440, 0]])

            let html = ReportPage.html(report)
            let parsed = try ParsedHTML(html)
            #expect(parsed.problems.joined(separator: " / ") == "")
            #expect(parsed.text.contains("0.0% within 24 h"))
            #expect(parsed.text.contains("The rest: 1 refunded, 1 on their way back, 1 not claimed yet."))
            #expect(!parsed.text.contains("may still rise"), "two days after the last send")
            let column = "fill=\"\(ChartPalette.refunded)\" fill-opacity=\"\(ChartPalette.refundingOpacity)\""
            #expect(html.components(separatedBy: column).count - 1 == 2, "the refunding part of the column, in both charts")
            #expect(!html.contains("fill=\"\(ChartPalette.paid)\" fill-opacity"), "no claimed part")
        }
    }
}
