import ArgumentParser
import Foundation
import PayoutKit

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the campaign's HTML report: one self-contained page for the people who run the campaign."
    )

    @OptionGroup var options: CampaignOptions
    @Option(name: .short, help: "The report file (.html); standard output when omitted.") var o: String?

    func run() async throws {
        let manifest = try options.load()
        let snapshot = try await Ledger.withCampaign(of: manifest, at: options.ledgerPath) { ledger, campaign in
            try await ledger.reportSnapshot(campaign.id)
        }
        let settings = CampaignReport.Settings(
            budget: manifest.budget, perMinute: manifest.limits.perMinute,
            campaignArguments: options.manifest + (options.ledger.map { " --ledger \($0)" } ?? ""))
        try ReportPage.write(CampaignReport(snapshot, settings: settings, generatedAt: Date()), to: o ?? "-")
        if let o {
            Terminal.error("wrote the report of campaign \(manifest.campaign) to \(o)")
        }
    }
}
