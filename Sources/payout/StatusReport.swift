import Foundation
import PayoutKit

/// How a campaign's status reads for people and for scripts: counts and amounts per state,
/// then — once anything was paid — what became of the packets (`reconcile`'s figures).
enum StatusReport {
    static func table(_ status: CampaignStatus, packets: PacketSummary? = nil, ledgerPath: String) -> String {
        var lines = ["campaign \(status.campaign) in \(ledgerPath)", "  state        count      amount (yuan)"]
        for state in ItemState.allCases {
            lines.append(row(state.rawValue, status.tally(state)))
        }
        lines.append(row("total", status.total))
        lines.append("bill numbers assigned: \(status.billNumbersAssigned)")
        if status.needsMerchantRecords > 0 {
            lines.append("unknown for more than 30 days: \(status.needsMerchantRecords) items — gethbinfo no longer reaches them; "
                + "check their bill numbers (payout export) in the WeChat Pay merchant platform")
        }
        if let packets, packets.sent.count > 0 || packets.reissued > 0 {
            lines += packetLines(packets)
        }
        lines.append("next: " + nextStep(status, packets: packets))
        return lines.joined(separator: "\n")
    }

    static func packetLines(_ packets: PacketSummary) -> [String] {
        let percent = packets.claimedPermille.map { "  \($0 / 10).\($0 % 10)% of sent" } ?? ""
        return [
            "packets (payout reconcile; last reconciled: \(packets.lastReconciled.map(BeijingTime.iso8601) ?? "never"))",
            row("claimed", packets.claimed, width: 16) + percent,
            row("refunded", packets.refunded, width: 16),
            row("refunding", packets.refunding, width: 16),
            row("not yet claimed", packets.notYetClaimed, width: 16),
            "  discrepancies: \(packets.discrepancies)" + (packets.discrepancies > 0
                ? " (gethbinfo contradicts the ledger; nothing was applied: check them in the merchant platform)" : ""),
            "  reissued: \(packets.reissued) items (earlier bill numbers kept in history; payout export lists them)",
        ]
    }

    static func nextStep(_ status: CampaignStatus, packets: PacketSummary? = nil) -> String {
        if status.isComplete {
            if let packets, packets.unsettled > 0 {
                return "payout reconcile: \(packets.unsettled) sent packets are not claimed or refunded yet, as far as the ledger knows"
            }
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

    static func json(_ status: CampaignStatus, packets: PacketSummary) -> String {
        var states: [String: Any] = [:]
        for state in ItemState.allCases {
            states[state.rawValue] = tallyObject(status.tally(state))
        }
        let object: [String: Any] = [
            "campaign": status.campaign, "states": states, "total": tallyObject(status.total),
            "bill_numbers_assigned": status.billNumbersAssigned, "complete": status.isComplete,
            "packets": packetObject(packets), "next": nextStep(status, packets: packets),
            "needs_merchant_records": status.needsMerchantRecords,
        ]
        return encode(object)
    }

    static func packetObject(_ packets: PacketSummary) -> [String: Any] {
        var claimed = tallyObject(packets.claimed)
        claimed["percent_of_sent"] = packets.claimedPercent ?? NSNull()
        return [
            "sent": tallyObject(packets.sent), "claimed": claimed, "refunded": tallyObject(packets.refunded),
            "refunding": tallyObject(packets.refunding), "not_yet_claimed": tallyObject(packets.notYetClaimed),
            "discrepancies": packets.discrepancies, "reissued": packets.reissued,
            "last_reconciled": packets.lastReconciled.map(BeijingTime.iso8601) ?? NSNull(),
        ]
    }

    static func tallyObject(_ tally: CampaignStatus.Tally) -> [String: Any] {
        ["count": tally.count, "amount_fen": tally.amount.fen]
    }

    static func encode(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func row(_ label: String, _ tally: CampaignStatus.Tally, width: Int = 10) -> String {
        "  " + label.padded(to: width) + String(tally.count).paddedLeft(to: 8) + tally.amount.description.paddedLeft(to: 17)
    }
}
