import Foundation

/// The campaign's name, who sent it, when the report was made, and one sentence on where
/// the campaign stands — what a manager needs before reading any figure.
enum HeaderSection {
    static func html(_ report: CampaignReport) -> HTML {
        let campaign = report.campaign
        return """
            <header>
            <p class="eyebrow">Campaign report\(ReportPage.chinese("红包活动报告"))</p>
            <h1 lang="zh-CN">\(campaign.texts.actName)</h1>
            <p class="meta">Campaign <code>\(campaign.id)</code> · sent as <span lang="zh-CN">\(campaign.texts.sendName)</span> \
            · merchant \(campaign.mchID) · report made \(ReportFormat.dateTime(report.generatedAt)) Beijing time</p>
            \(standing(report))
            </header>
            """
    }

    private static func standing(_ report: CampaignReport) -> HTML {
        let waiting = report.waiting
        let rest = "\(ReportFormat.count(waiting.count)) recipients (\(ReportFormat.yuan(waiting.amount))) wait for the next run."
        switch report.standing {
        case .complete:
            return box("complete", "Complete", "已完成", "Every recipient is paid or has failed for good.")
        case .notStarted:
            return box("waiting", "Not started", "未开始", "Nothing has been sent yet. " + rest)
        case .unrecorded:
            return box("waiting", "Running, or stopped without a record", "进行中或意外中断",
                       "The last run has not recorded an end: it is still going, or it was killed. " + rest)
        case .stopped(let end):
            let when = report.runs.last?.endedAt.map { " at \(ReportFormat.dateTime($0)) Beijing time" } ?? ""
            return box("stopped", "Stopped", "已暂停", "\(RunWording.ending(end))\(when). " + rest)
        }
    }

    private static func box(_ kind: String, _ title: String, _ chinese: String, _ text: String) -> HTML {
        "<p class=\"standing \(kind)\"><strong>\(title)\(ReportPage.chinese(chinese))</strong> \(text)</p>"
    }
}
