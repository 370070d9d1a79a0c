import ArgumentParser
import Foundation
import PayoutKit

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the per-recipient result report as CSV (UTF-8 with BOM, for Excel)."
    )

    @OptionGroup var options: CampaignOptions
    @Option(name: .short, help: "The report file; standard output when omitted.") var o: String?

    func run() async throws {
        let manifest = try options.load()
        let rows = try await Ledger.withCampaign(of: manifest, at: options.ledgerPath) { ledger, campaign in
            try await ledger.exportCSV(campaign.id, to: o ?? "-")
        }
        if let o {
            Terminal.error("wrote \(rows) rows to \(o)")
        }
    }
}
