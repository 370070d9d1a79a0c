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
        let status = try await Ledger.withCampaign(of: manifest, at: options.ledgerPath) { ledger, _ in
            try await ledger.status(manifest.campaign)
        }
        guard let status else { return }
        if json {
            Terminal.out(StatusReport.json(status))
        } else {
            Terminal.out(StatusReport.table(status, ledgerPath: options.ledgerPath))
        }
    }
}

/// How a campaign's status reads for people and for scripts.
enum StatusReport {
    static func table(_ status: CampaignStatus, ledgerPath: String) -> String {
        var lines = ["campaign \(status.campaign) in \(ledgerPath)", "  state        count      amount (yuan)"]
        for state in ItemState.allCases {
            let tally = status.tally(state)
            lines.append("  " + pad(state.rawValue, 10) + padLeft(String(tally.count), 8) + padLeft(tally.amount.description, 17))
        }
        let total = status.total
        lines.append("  " + pad("total", 10) + padLeft(String(total.count), 8) + padLeft(total.amount.description, 17))
        lines.append("bill numbers assigned: \(status.billNumbersAssigned)")
        if status.needsMerchantRecords > 0 {
            lines.append("unknown for more than 30 days: \(status.needsMerchantRecords) items — gethbinfo no longer reaches them; "
                + "check their bill numbers (payout export) in the WeChat Pay merchant platform")
        }
        lines.append("next: " + nextStep(status))
        return lines.joined(separator: "\n")
    }

    static func nextStep(_ status: CampaignStatus) -> String {
        if status.isComplete {
            return "nothing: every item is final (export the report with payout export)"
        }
        var parts: [String] = []
        let unknown = status.tally(.sending).count + status.tally(.retrying).count - status.needsMerchantRecords
        if unknown > 0 {
            parts.append("settle \(unknown) items whose outcome is not yet known, asking gethbinfo or re-sending them "
                + "under their own bill numbers")
        }
        let pending = status.tally(.pending).count
        if pending > 0 { parts.append("send \(pending) pending items") }
        guard !parts.isEmpty else {
            return "nothing it can do: the unknown items need the merchant platform's records"
        }
        return "payout run would " + parts.joined(separator: ", then ")
    }

    static func json(_ status: CampaignStatus) -> String {
        var states: [String: Any] = [:]
        for state in ItemState.allCases {
            let tally = status.tally(state)
            states[state.rawValue] = ["count": tally.count, "amount_fen": tally.amount.fen]
        }
        let object: [String: Any] = [
            "campaign": status.campaign, "states": states, "total": ["count": status.total.count, "amount_fen": status.total.amount.fen],
            "bill_numbers_assigned": status.billNumbersAssigned, "complete": status.isComplete, "next": nextStep(status),
            "needs_merchant_records": status.needsMerchantRecords,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
