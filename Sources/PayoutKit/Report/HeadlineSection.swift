/// The figures a manager forwards: how many, how much, and how much of the budget. Claimed
/// and refunded join them once reconcile records claims.
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
        return "<ul class=\"figures\" aria-label=\"Headline figures\">\(figures)</ul>"
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
