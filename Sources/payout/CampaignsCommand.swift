import ArgumentParser
import Foundation
import PayoutKit

struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "Every campaign in the merchant registries of PAYOUT_HOME: ledger, counts and amounts per state, last run."
    )

    @Flag(help: "Print one JSON array.") var json = false

    func run() async throws {
        let listing = try await CampaignListing.all(in: PayoutHome())
        Terminal.out(json ? CampaignsText.json(listing) : CampaignsText.table(listing))
    }
}

/// How `payout campaigns` words the registry.
enum CampaignsText {
    static func table(_ listing: [RegisteredCampaign]) -> String {
        guard !listing.isEmpty else { return "no campaigns registered in \(PayoutHome().path)" }
        return listing.map { entry in
            let repeats = entry.repeatOf.map { "  repeat of \($0)" } ?? ""
            var lines = ["merchant \(entry.mchID)  campaign \(entry.campaign)  (\(entry.endpoint))\(repeats)", "  ledger \(entry.ledgerPath)"]
            if let status = entry.status {
                let states = ItemState.allCases.compactMap { state -> String? in
                    let tally = status.tally(state)
                    return tally.count == 0 ? nil : "\(state.rawValue) \(tally.count) (\(tally.amount) yuan)"
                }
                lines.append("  " + states.joined(separator: ", "))
            } else {
                lines.append("  no figures: the ledger is gone, cannot be read, or no longer holds this campaign")
            }
            lines.append("  last run: " + (entry.lastRun.map(lastRun) ?? "none"))
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func lastRun(_ run: RunRecord) -> String {
        BeijingTime.iso8601(run.startedAt) + (run.end.map { " — " + RunOutcomeText.message(for: $0) } ?? " — no recorded end")
    }

    static func json(_ listing: [RegisteredCampaign]) -> String {
        let objects: [[String: Any]] = listing.map { entry in
            var states: [String: Any] = [:]
            if let status = entry.status {
                for state in ItemState.allCases { states[state.rawValue] = StatusReport.tallyObject(status.tally(state)) }
            }
            return [
                "merchant": entry.mchID, "campaign": entry.campaign, "ledger": entry.ledgerPath, "endpoint": entry.endpoint,
                "repeat_of": entry.repeatOf ?? NSNull(),
                "states": entry.status == nil ? NSNull() : states,
                "last_run": entry.lastRun.map { run in
                    ["started_at": BeijingTime.iso8601(run.startedAt), "ending": run.end.map(RunOutcomeText.message) ?? NSNull()] as [String: Any]
                } ?? NSNull(),
            ]
        }
        return StatusReport.encode(objects)
    }
}
