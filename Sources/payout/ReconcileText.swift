import Foundation
import PayoutKit

/// A reconcile's outcome for people and scripts, and its exit status.
enum ReconcileText {
    static func exitStatus(for end: ReconcileEnd) -> Int32 {
        switch end {
        case .settled: return 0
        case .merchantRefused: return ExitStatus.merchantRefused
        case .unsettled, .interrupted: return ExitStatus.temporary
        }
    }

    static func message(for end: ReconcileEnd) -> String {
        switch end {
        case .settled:
            return "done: every sent packet is claimed or refunded"
        case .unsettled(let count):
            return "not settled yet: \(count) sent packets are not claimed or refunded yet (or contradict the ledger). "
                + "Run payout reconcile again later: an unclaimed packet goes back to the merchant after 24 hours."
        case .interrupted:
            return "stopped: interrupted; the queries in flight were finished and recorded. Run again to resume."
        case .merchantRefused(let reason):
            return "stopped: " + RunOutcomeText.advice(reason) + " Nothing was lost; run again once fixed."
        }
    }

    static func summary(_ report: ReconcileReport, campaign: String) -> String {
        let progress = report.progress
        var lines = [
            "reconcile \(campaign): asked \(progress.asked) of \(progress.total): \(progress.claimed) newly claimed, "
                + "\(progress.refunded) newly refunded, \(progress.waiting) still SENT or RFUND_ING, \(progress.unanswered) unanswered, "
                + "\(progress.discrepancies.count) discrepancies",
        ]
        lines += StatusReport.packetLines(report.packets)
        return lines.joined(separator: "\n")
    }

    static func json(_ report: ReconcileReport, campaign: String, exitStatus: Int32) -> String {
        let progress = report.progress
        let discrepancies: [[String: Any]] = progress.discrepancies.map { found in
            ["line": found.packet.line, "openid": found.packet.openid, "mch_billno": found.packet.billNumber.rawValue,
             "status": found.status.rawValue, "detail": found.detail]
        }
        return StatusReport.encode([
            "campaign": campaign, "exit_status": Int(exitStatus), "message": message(for: report.end),
            "asked": progress.asked, "claimed": progress.claimed, "refunded": progress.refunded, "waiting": progress.waiting,
            "unanswered": progress.unanswered, "discrepancies": discrepancies, "packets": StatusReport.packetObject(report.packets),
        ])
    }
}
