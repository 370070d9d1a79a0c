import ArgumentParser
import Foundation
import PayoutKit

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Counts and amounts per state, and what run would do next."
    )

    @OptionGroup var options: CampaignOptions
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let manifest = try options.load()
        let (status, packets) = try await Ledger.withCampaign(of: manifest, at: options.ledgerPath) { ledger, campaign in
            (try await ledger.status(campaign.id), try await ledger.packetSummary(campaign.id))
        }
        guard let status else { return }
        if json {
            Terminal.out(StatusReport.json(status, packets: packets))
        } else {
            Terminal.out(StatusReport.table(status, packets: packets, ledgerPath: options.ledgerPath))
        }
    }
}
