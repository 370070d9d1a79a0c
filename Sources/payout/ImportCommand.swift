import ArgumentParser
import PayoutKit

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate the campaign and import it into the ledger. Sends nothing; a second import is a no-op."
    )

    @OptionGroup var options: CampaignOptions

    func run() async throws {
        let manifest = try options.load()
        let path = options.ledgerPath
        let outcome: ImportOutcome
        do {
            outcome = try await CampaignImport.importCampaign(manifest, at: path, home: PayoutHome())
        } catch let held as RunLock.Held {
            Terminal.error("payout: \(held)")
            throw ExitCode(ExitStatus.temporary)
        }
        switch outcome {
        case .imported(let summary):
            Terminal.out("imported campaign \(manifest.campaign): \(summary.count) recipients, \(summary.total) yuan, into \(path)")
        case .alreadyImported:
            Terminal.out("campaign \(manifest.campaign) is already in \(path), unchanged: nothing to do")
        }
    }
}
