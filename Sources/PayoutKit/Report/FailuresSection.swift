import Foundation

/// Why recipients were not paid, or not yet, and what the operator does about each reason:
/// the err_code, its meaning in Chinese and English, the server's own words, and a command.
enum FailuresSection {
    static func html(_ report: CampaignReport) -> HTML {
        let heading: HTML = "<h2>Failures and what to do\(ReportPage.chinese("失败原因与处理"))</h2>"
        guard !report.failures.isEmpty else {
            return "<section>\(heading)<p>No failures: no recipient failed or is waiting on an error.</p></section>"
        }
        let rows: [HTML] = report.failures.map { row(for: $0, manifest: report.settings.campaignArguments) }
        return """
            <section>\(heading)
            <table class="cards"><thead><tr><th>Code</th><th>Meaning</th><th>Status</th><th class="num">Recipients</th>\
            <th class="num">Amount</th><th>What to do</th></tr></thead><tbody>\(rows)</tbody></table>
            </section>
            """
    }

    private static func row(for row: CampaignReport.FailureRow, manifest: String) -> HTML {
        let code: String, guide: ErrorCodeGuide
        switch row.reason {
        case .code(let name): (code, guide) = (name, ErrorCodeGuide.entry(name))
        case .noAnswer: (code, guide) = ("no answer", .noAnswer)
        case .otherCodes(let count): (code, guide) = ("\(count) other codes", .unknown)
        }
        let chinese: HTML = guide.chinese.isEmpty ? "" : "<span lang=\"zh-CN\">\(guide.chinese)</span><br>"
        let server: HTML = row.serverMessage.map { "<span class=\"server\">Server said: <span lang=\"zh-CN\">\($0)</span></span>" } ?? ""
        return """
            <tr><td class="code"><code>\(code)</code></td><td>\(chinese)\(guide.english)\(server)</td>\
            <td data-label="Status">\(row.isFinal ? "Failed" : "Waiting")</td>\
            <td class="num" data-label="Recipients">\(ReportFormat.count(row.count))</td>\
            <td class="num" data-label="Amount">\(ReportFormat.yuan(row.amount))</td>\
            <td data-label="What to do">\(advice(guide.advice, code: code, manifest: manifest))</td></tr>
            """
    }

    /// The guide's advice with its backticked commands set as code, for this campaign's manifest.
    static func advice(_ text: String, code: String, manifest: String) -> HTML {
        let parts: [HTML] = text.split(separator: "`", omittingEmptySubsequences: false).enumerated().map { index, part in
            guard index % 2 == 1 else { return "\(String(part))" }
            let command = part.replacingOccurrences(of: "MANIFEST", with: manifest).replacingOccurrences(of: "CODE", with: code)
            return "<code>\(command)</code>"
        }
        return "\(parts)"
    }
}
