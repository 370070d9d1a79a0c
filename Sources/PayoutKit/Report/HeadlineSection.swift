/// The figures a manager forwards: how many, how much, and how much of the budget; then,
/// once reconcile has recorded what became of the packets, how many were claimed and how
/// much came back — or one line saying that reconcile has not run yet.
enum HeadlineSection {
    static func html(_ report: CampaignReport) -> HTML {
        let recipients = report.recipients
        var figures: [HTML] = [
            figure("total", "Recipients", "收款人", ReportFormat.count(recipients.count), ReportFormat.yuan(recipients.amount) + " in all"),
            tally("paid", "Paid", "已发放", report.paid),
            tally("failed", "Failed", "发放失败", report.failed),
            tally("waiting", "Waiting", "待发放", report.waiting),
        ]
        if let permille = report.budgetUsedPermille, let budget = report.settings.budget {
            figures.append(figure("budget", "Budget used", "预算使用", ReportFormat.percent(permille: permille),
                                  "\(ReportFormat.yuan(report.paid.amount)) of \(ReportFormat.yuan(budget))"))
        } else {
            figures.append(figure("budget", "Budget used", "预算使用", "—", "no budget in the manifest"))
        }
        return "<ul class=\"figures\" aria-label=\"Headline figures\">\(figures)</ul>\(packets(report))"
    }

    /// Claimed, refunded and not yet claimed, as `status` counts them, and how fresh that is.
    private static func packets(_ report: CampaignReport) -> HTML {
        let packets = report.packets
        guard packets.isReconciled else {
            guard report.paid.count > 0 else { return "" }
            return """
                <p class="note reconcile">Claims and refunds: not reconciled yet — run \
                <code>payout reconcile \(report.settings.campaignArguments)</code> to learn which packets were opened.</p>
                """
        }
        let share = packets.claimedPermille.map { " · \(ReportFormat.percent(permille: $0)) of sent" } ?? ""
        let refunding = packets.refunding.count > 0 ? " · \(ReportFormat.count(packets.refunding.count)) more on the way back" : ""
        let figures: [HTML] = [
            figure("claimed", "Claimed", "已领取", ReportFormat.count(packets.claimed.count), ReportFormat.yuan(packets.claimed.amount) + share),
            figure("refunded", "Refunded", "已退款", ReportFormat.count(packets.refunded.count),
                   ReportFormat.yuan(packets.refunded.amount) + refunding),
            tally("unclaimed", "Not yet claimed", "未领取", packets.notYetClaimed),
        ]
        let asOf = packets.lastReconciled.map { "as of the last reconcile, \(ReportFormat.dateTime($0)) Beijing time." }
            ?? "no reconcile has gone through every packet yet: run payout reconcile again."
        return """
            <ul class="figures" aria-label="What became of the paid packets">\(figures)</ul>\
            <p class="note reconcile">Packets: \(asOf)</p>
            """
    }

    private static func tally(_ kind: String, _ label: String, _ chinese: String, _ tally: CampaignStatus.Tally) -> HTML {
        figure(kind, label, chinese, ReportFormat.count(tally.count), ReportFormat.yuan(tally.amount))
    }

    private static func figure(_ kind: String, _ label: String, _ chinese: String, _ value: String, _ sub: String) -> HTML {
        """
        <li class="figure \(kind)"><span class="label">\(label)\(ReportPage.chinese(chinese))</span>\
        <span class="value">\(value)</span><span class="sub">\(sub)</span></li>
        """
    }
}
