import Foundation

/// How to read the numbers, and where they came from.
enum FooterSection {
    static func html(_ report: CampaignReport) -> HTML {
        """
        <footer><p>Made by payout from its ledger on \(ReportFormat.dateTime(report.generatedAt)) Beijing time. \
        Amounts are in yuan, added up exactly from whole fen. Times are Beijing time (UTC+8). \
        Campaign \(report.campaign.id) was imported on \(report.campaign.importedAt.prefix(19).replacingOccurrences(of: "T", with: " ")) \
        with \(ReportFormat.count(report.campaign.itemCount)) recipients.</p></footer>
        """
    }
}
