import Foundation

/// How fast the paid packets were opened, and what became of the rest: the claim curve, its
/// summary in words and its figures as a table, for anyone who cannot see the chart. Only on
/// the page once reconcile has recorded something; the headline says when it has not.
enum ClaimsSection {
    /// What became of a sent packet, as the chart's column and the legend show it.
    struct Fate {
        var name: String
        var tally: CampaignStatus.Tally
        var colour: String
        var opacity: String
    }

    static func fates(_ packets: PacketSummary) -> [Fate] {
        [
            Fate(name: "Claimed", tally: packets.claimed, colour: ChartPalette.paid, opacity: "1"),
            Fate(name: "Refunded", tally: packets.refunded, colour: ChartPalette.refunded, opacity: "1"),
            Fate(name: "Refunding", tally: packets.refunding, colour: ChartPalette.refunded, opacity: ChartPalette.refundingOpacity),
            Fate(name: "Not claimed yet", tally: packets.notYetClaimed, colour: ChartPalette.pending, opacity: "1"),
        ]
    }

    static func html(_ report: CampaignReport) -> HTML {
        guard let curve = report.claimCurve else { return "" }
        let wide = ClaimChart(curve: curve, layout: .wide), narrow = ClaimChart(curve: curve, layout: .narrow)
        return """
            <section><h2>How fast packets were claimed\(ReportPage.chinese("领取进度"))</h2>\(legend(curve.packets))
            <figure>\(wide.svg)\(narrow.svg)<figcaption><p id="claims-alt" class="note">\(summary(report, curve))</p>\
            </figcaption></figure>
            \(table(curve))
            </section>
            """
    }

    private static func legend(_ packets: PacketSummary) -> HTML {
        let column: [HTML] = fates(packets).map { fate in
            "<li><span class=\"swatch\" style=\"background:\(fate.colour);opacity:\(fate.opacity)\"></span>\(fate.name)</li>"
        }
        return """
            <ul class="legend"><li><span class="swatch curve"></span>Claimed within so many hours of its send</li>\
            <li>Column, every sent packet now:</li>\(column)</ul>
            """
    }

    /// A row of the table in words: the chart's hover text.
    static func describe(_ interval: ClaimCurve.Interval, of curve: ClaimCurve) -> String {
        let within = interval.withinMinutes.map { "Within \(duration($0))" } ?? "Later than 24 h or at a time not recorded"
        return "\(within): \(ReportFormat.count(interval.cumulative)) claimed "
            + "(\(ReportFormat.percent(permille: curve.permille(interval.cumulative))) of \(ReportFormat.count(curve.sent)) sent)"
    }

    /// `5 min`, `1 h`, `24 h`.
    private static func duration(_ minutes: Int) -> String {
        minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h"
    }

    private static func summary(_ report: CampaignReport, _ curve: ClaimCurve) -> String {
        let packets = curve.packets
        let share = { (count: Int) in ReportFormat.percent(permille: curve.permille(count)) }
        var text = "Claimed: \(ReportFormat.count(packets.claimed.count)) of \(ReportFormat.count(curve.sent)) sent packets "
            + "(\(share(packets.claimed.count))). Share of the sent packets claimed within 5 minutes of their send: "
            + "\(share(curve.claimed(within: 5))), within an hour: \(share(curve.claimed(within: 60))), within 24 hours: "
            + share(curve.claimedWithinDay)
        text += curve.claimedLater > 0 ? "; \(ReportFormat.count(curve.claimedLater)) more later or at a time not recorded." : "."
        text += " The rest: \(ReportFormat.count(packets.refunded.count)) refunded, \(ReportFormat.count(packets.refunding.count)) "
            + "on their way back, \(ReportFormat.count(packets.notYetClaimed.count)) not claimed yet."
        let asOf = packets.lastReconciled ?? report.generatedAt
        if let lastSend = report.requestMinutes.last?.lastRequest,
           asOf.timeIntervalSince(lastSend) < Double(ClaimCurve.horizonMinutes * 60), packets.notYetClaimed.count > 0 {
            text += " Some packets were sent less than 24 hours before the last reconcile: the curve may still rise."
        }
        return text
    }

    private static func table(_ curve: ClaimCurve) -> HTML {
        let rows: [HTML] = curve.intervals.map { interval in
            let within = interval.withinMinutes.map(duration) ?? "later, or not recorded"
            return """
                <tr><td class="num">\(within)</td><td class="num">\(ReportFormat.count(interval.claimed))</td>\
                <td class="num">\(ReportFormat.count(interval.cumulative))</td>\
                <td class="num">\(ReportFormat.percent(permille: curve.permille(interval.cumulative)))</td></tr>
                """
        }
        return """
            <details><summary>The curve's figures as a table</summary><div class="scroll"><table>\
            <thead><tr><th class="num">Within (of its send)</th><th class="num">Claimed in the interval</th>\
            <th class="num">Claimed by then</th><th class="num">Share of sent</th></tr></thead><tbody>\(rows)</tbody></table></div></details>
            """
    }
}
