import Foundation

/// The HTML report: one self-contained page — inline CSS and SVG, no script, no font or
/// image to fetch — that reads the same offline, forwarded by mail, or printed to PDF. Its
/// Content-Security-Policy forbids every fetch, so even a mistake could not make it load
/// anything, and a hostile text could not run.
public enum ReportPage {
    /// The page's sections, top to bottom: the claims follow the sends, as they did in time.
    static let sections: [@Sendable (CampaignReport) -> HTML] = [
        HeaderSection.html, HeadlineSection.html, SendsSection.html, ClaimsSection.html, StatusSection.html,
        FailuresSection.html, TextsSection.html, FooterSection.html,
    ]

    public static func html(_ report: CampaignReport) -> String {
        let body = sections.map { $0(report) }
        let page: HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="generator" content="payout">
            <link rel="icon" href="data:,">
            <title>\(report.campaign.texts.actName) · \(report.campaign.id) · campaign report</title>
            <style>\(ReportStyle.css)</style>
            </head>
            <body>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
        return page.markup
    }

    /// Writes the page to `path` (owner-only, like every report), or to standard output for "-".
    public static func write(_ report: CampaignReport, to path: String) throws(FileError) {
        let output = try OutputFile(path: path)
        try output.append { $0 += Array(html(report).utf8) }
        try output.flush()
    }

    /// A Chinese label beside an English one, marked as Chinese so that CJK fonts pick the
    /// simplified glyphs.
    static func chinese(_ text: String) -> HTML {
        "<span class=\"zh\" lang=\"zh-CN\">\(text)</span>"
    }
}
