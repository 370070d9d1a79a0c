import Foundation

/// A time when the campaign sent nothing, and why: what the report marks on its time axis
/// and lists under the chart, so a gap in the sends never reads as a fault nobody noticed.
///
/// Pauses come from the ledger's record of runs rather than from gaps in the requests: only
/// the run knows that it stopped for the quiet hours, ran out of money or was interrupted.
/// Gaps no run explains (a ledger from before runs were recorded) still show on the chart
/// as breaks in the time axis, without a reason.
public struct CampaignPause: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// Inside a run: the manifest's quiet hours.
        case quietHours
        /// Inside a run: the server answered TIME_LIMITED.
        case serverTimeLimited
        /// Inside a run: the items left wait for their recipients' daily caps to reset.
        case dailyCaps
        /// Between runs: the run ended this way and the next had not started.
        case stopped(RunEnd)
        /// Between runs: the run left no ending (killed, crashed, or still going).
        case unrecorded

        init(_ cause: RunPause.Cause) {
            switch cause {
            case .quietHours: self = .quietHours
            case .serverTimeLimited: self = .serverTimeLimited
            case .dailyCaps: self = .dailyCaps
            }
        }
    }

    public var from: Date
    /// nil when nothing had resumed by the time of the report.
    public var to: Date?
    public var cause: Cause

    public init(from: Date, to: Date?, cause: Cause) {
        self.from = from
        self.to = to
        self.cause = cause
    }

    /// The pauses inside each run, and the time after each run that did not finish the
    /// campaign until the next run began (or until now, if the campaign still waits).
    public static func history(runs: [RunRecord], minutes: [ReportSnapshot.MinuteCount], campaignFinished: Bool) -> [CampaignPause] {
        var pauses: [CampaignPause] = []
        for (index, run) in runs.enumerated() {
            let next = runs.indices.contains(index + 1) ? runs[index + 1].startedAt : nil
            for pause in run.pauses {
                let to = min(pause.until, run.endedAt ?? next ?? pause.until)
                guard to > pause.from else { continue }
                pauses.append(CampaignPause(from: pause.from, to: to, cause: Cause(pause.cause)))
            }
            guard run.end != .complete, next != nil || !campaignFinished else { continue }
            let end = run.endedAt ?? lastRequest(minutes, from: run.startedAt, before: next) ?? run.startedAt
            pauses.append(CampaignPause(from: end, to: next, cause: run.end.map(Cause.stopped) ?? .unrecorded))
        }
        return pauses.sorted { $0.from < $1.from }
    }

    /// When a run that left no ending last sent anything, to a minute's precision at worst.
    private static func lastRequest(_ minutes: [ReportSnapshot.MinuteCount], from start: Date, before next: Date?) -> Date? {
        minutes.lazy.map(\.lastRequest).filter { $0 >= start && $0 < (next ?? .distantFuture) }.max()
    }
}
