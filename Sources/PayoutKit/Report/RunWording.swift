import Foundation

/// How the report words the way runs ended and paused: the same words in the status line,
/// the chart's markers and the pause table.
enum RunWording {
    static func cause(_ cause: CampaignPause.Cause) -> String {
        switch cause {
        case .quietHours: return "Quiet hours (the manifest's quiet_hours, Beijing time)"
        case .serverTimeLimited: return "The server's quiet window (TIME_LIMITED)"
        case .dailyCaps: return "Waiting for the next Beijing day: the recipients left reached their daily caps"
        case .stopped(let end): return ending(end)
        case .unrecorded: return "The run left no record of its end: it was killed or crashed, or it is still going"
        }
    }

    static func ending(_ end: RunEnd) -> String {
        switch end {
        case .complete: return "Run complete"
        case .interrupted: return "Stopped by the operator (Ctrl-C)"
        case .quietWindow(let until): return "Stopped for the quiet hours until \(BeijingTime.clockTime(until)) Beijing time (--no-wait)"
        case .retriesExhausted(let items): return "Stopped with \(ReportFormat.count(items)) answers still unknown after the run's retries"
        case .merchantRefused(let reason):
            let guide = ErrorCodeGuide.entry(reason.code)
            return "Stopped: \(reason.code) — " + (guide == .unknown ? "the server refused the merchant's set-up" : guide.english)
        case .needsMerchantRecords(let items):
            return "Stopped with \(ReportFormat.count(items)) items unknown for more than 30 days (check the merchant platform)"
        case .dailyCaps(let items, let until):
            return "Stopped with \(ReportFormat.count(items)) items waiting for their recipients' daily caps until "
                + "\(ReportFormat.dateTime(until)) (--no-wait)"
        case .billNumberUnchecked(let billNumber, _):
            return "Stopped before sending: gethbinfo did not answer whether bill number \(billNumber) is new"
        }
    }

    /// One line for a chart marker's hover text.
    static func summary(_ pause: CampaignPause) -> String {
        let to = pause.to.map { "\(ReportFormat.dateTime($0)) (\(ReportFormat.duration($0.timeIntervalSince(pause.from))))" } ?? "not resumed yet"
        return "\(cause(pause.cause)), \(ReportFormat.dateTime(pause.from)) to \(to)"
    }
}
