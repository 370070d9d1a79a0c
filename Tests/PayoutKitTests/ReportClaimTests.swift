import Foundation
@testable import PayoutKit
import Testing

/// The report's claims: the per-minute aggregation against a ledger whose claim times are
/// known, and the curve built from it.
@Suite struct ReportClaimTests {
    static let morning = ReportLedger.morning
    static let settings = CampaignReport.Settings(budget: nil, perMinute: 1800, campaignArguments: "m.yaml")

    @Test func claimsAreCountedByWholeMinutesFromEachPacketsOwnSend() async throws {
        try await ReportLedger.with(amounts: Array(repeating: 100, count: 10)) { fixture in
            let items = try await fixture.claim(10)
            // Sent this many seconds after 09:30, opened this many seconds after that send.
            let claims: [(sent: TimeInterval, opened: TimeInterval)] = [
                (0, 30), (10, 60), (20, 299), (1.5, -0.5), (0, 3605), (0, 86_399), (0, 86_400),
            ]
            for (item, claim) in zip(items, claims) {
                try await fixture.request(item, at: claim.sent, outcome: "sent", state: .sent)
                try await fixture.packet(item, .received, received: Self.morning.addingTimeInterval(claim.sent + claim.opened))
            }
            // Settled by a query after a crash lost its send: counted from when its number was claimed, 09:30.
            try await fixture.request(items[7], at: 40, outcome: "found", state: .sent, kind: .query)
            try await fixture.packet(items[7], .received, received: Self.morning.addingTimeInterval(90))
            try await fixture.request(items[8], at: 0, outcome: "sent", state: .sent)
            try await fixture.packet(items[8], .refunded, refund: 100)
            try await fixture.request(items[9], at: 0, outcome: "sent", state: .sent)
            try await fixture.packet(items[9], .sent)

            let snapshot = try await fixture.ledger.reportSnapshot("c1")
            typealias Count = ReportSnapshot.ClaimCount
            #expect(snapshot.claims == [
                Count(minute: 0, count: 2), Count(minute: 1, count: 2), Count(minute: 4, count: 1), Count(minute: 60, count: 1),
                Count(minute: 1439, count: 1), Count(minute: nil, count: 1),
            ], "a whole minute after the send is the next minute; a claim the second before its send is minute 0; 24 h is later")
            let status = try await fixture.ledger.packetSummary("c1")
            #expect(snapshot.packets == status, "status's own figures")
            #expect(snapshot.packets.claimed.count == 8 && snapshot.packets.answered == 10)

            let curve = try #require(CampaignReport(snapshot, settings: Self.settings, generatedAt: Self.morning).claimCurve)
            typealias Interval = ClaimCurve.Interval
            let intervals = curve.intervals
            #expect(intervals.count == 12 + 23 + 1)
            #expect(intervals.first == Interval(withinMinutes: 5, claimed: 5, cumulative: 5))
            #expect(intervals.first { $0.withinMinutes == 60 } == Interval(withinMinutes: 60, claimed: 0, cumulative: 5))
            #expect(intervals.first { $0.withinMinutes == 120 } == Interval(withinMinutes: 120, claimed: 1, cumulative: 6))
            #expect(intervals.first { $0.withinMinutes == 1440 } == Interval(withinMinutes: 1440, claimed: 1, cumulative: 7))
            #expect(intervals.last == Interval(withinMinutes: nil, claimed: 1, cumulative: 8))
            #expect(intervals.reduce(0) { $0 + $1.claimed } == snapshot.packets.claimed.count)
            #expect(curve.permille(curve.claimedWithinDay) == 700)
        }
    }

    @Test func theCurveRisesAcrossEachMinuteWithClaimsAndStaysFlatBetween() throws {
        var packets = PacketSummary()
        packets.sent = CampaignStatus.Tally(count: 10, amount: Amount(fen: 1000))
        packets.answered = 10
        let curve = try #require(ClaimCurve(
            claims: [.init(minute: 3, count: 1), .init(minute: nil, count: 4), .init(minute: 0, count: 2), .init(minute: 4, count: 2)],
            packets: packets))
        #expect(curve.points.map { [$0.minute, $0.claimed] } == [[0, 0], [1, 2], [3, 2], [4, 3], [5, 5], [1440, 5]])
        #expect(curve.claimedLater == 4)
        #expect(curve.claimed(within: 4) == 3)
        #expect(ClaimCurve(claims: [], packets: PacketSummary()) == nil, "no curve before reconcile")
    }

    @Test func sharesOfSentRoundHalfUpFromIntegers() {
        var packets = PacketSummary()
        packets.sent.count = 16
        packets.claimed.count = 1
        #expect(packets.claimedPermille == 63, "6.25% is 6.3%, on the page and in status alike")
        packets.sent.count = 3
        #expect(packets.claimedPermille == 333)
        #expect(PacketSummary().claimedPermille == nil)
    }
}
