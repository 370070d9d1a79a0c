import Foundation
import PayoutKit
import Synchronization

/// Shows a run as it goes: a live line on a terminal, a plain log line every few seconds
/// otherwise, or one JSON object per event with `--json`. Never shows a secret: events
/// carry no key material.
final class ProgressDisplay: Sendable {
    enum Mode {
        case automatic
        case quiet
        case json
    }

    private enum Style {
        case live
        case log
        case quiet
        case json
    }

    private let style: Style
    private let campaign: String
    private let lastDrawn = Mutex(Date.distantPast)

    init(mode: Mode, campaign: String) {
        self.campaign = campaign
        switch mode {
        case .json: style = .json
        case .quiet: style = .quiet
        case .automatic: style = isatty(STDERR_FILENO) == 1 ? .live : .log
        }
    }

    func show(_ event: RunEvent) {
        if case .imported(let summary, let ledger) = event {
            note("imported campaign \(campaign): \(summary.count) recipients, \(summary.total) yuan, into \(ledger)")
            return
        }
        switch style {
        case .quiet: return
        case .json: Self.json(event).map(Terminal.out)
        case .live: live(event)
        case .log: log(event)
        }
    }

    /// A one-off message (import done…): on stderr, so stdout stays machine-readable.
    private func note(_ message: String) {
        guard style != .quiet, style != .json else { return }
        Terminal.error(message)
    }

    private func live(_ event: RunEvent) {
        switch event {
        case .started(let progress), .item(_, let progress):
            guard throttle(interval: 0.25) else { return }
            draw(line(progress))
        case .paused(let until, let reason):
            draw("\(campaign): paused until \(BeijingTime.clockTime(until)) Beijing (\(reason))")
        case .resumed, .stopping, .imported:
            break
        case .finished(_, let progress):
            draw(line(progress))
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    private func log(_ event: RunEvent) {
        switch event {
        case .started(let progress):
            Terminal.error("\(BeijingTime.iso8601(Date())) started \(line(progress))")
        case .item(let result, let progress):
            if result.state == .failed {
                Terminal.error("\(BeijingTime.iso8601(Date())) failed line \(result.line) \(result.openid): \(result.errCode ?? "") \(result.message ?? "")")
            }
            guard throttle(interval: 5) else { return }
            Terminal.error("\(BeijingTime.iso8601(Date())) \(line(progress))")
        case .paused(let until, let reason):
            Terminal.error("\(BeijingTime.iso8601(Date())) paused until \(BeijingTime.clockTime(until)) Beijing (\(reason))")
        case .resumed:
            Terminal.error("\(BeijingTime.iso8601(Date())) resumed")
        case .stopping(let end):
            Terminal.error("\(BeijingTime.iso8601(Date())) stopping: \(RunOutcomeText.message(for: end))")
        case .finished(_, let progress):
            Terminal.error("\(BeijingTime.iso8601(Date())) finished \(line(progress))")
        case .imported:
            break
        }
    }

    private func line(_ progress: RunProgress) -> String {
        var parts = [
            "\(campaign) \(progress.done)/\(progress.total) done",
            "¥\(progress.sentAmount) sent",
            "\(progress.failed) failed",
            "\(progress.ratePerMinute)/min",
            "\(progress.inFlight)/\(progress.inFlightLimit) in flight",
        ]
        if let median = progress.medianLatency {
            parts.append("median answer \(median.milliseconds) ms")
        }
        if let until = progress.pausedUntil {
            parts.append("paused until \(BeijingTime.clockTime(until)) Beijing")
        } else if let eta = progress.eta {
            let seconds = Int(eta.rounded())
            parts.append(String(format: "ETA %d:%02d", seconds / 60, seconds % 60))
        }
        return parts.joined(separator: "  ")
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    private func throttle(interval: TimeInterval) -> Bool {
        lastDrawn.withLock { last in
            let now = Date()
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }

    /// nil for events the JSON stream does not carry.
    static func json(_ event: RunEvent) -> String? {
        var object: [String: Any]
        switch event {
        case .imported:
            return nil
        case .started(let progress):
            object = ["event": "started", "progress": progressObject(progress)]
        case .item(let result, let progress):
            object = ["event": "item", "line": result.line, "openid": result.openid, "amount": result.amount.fen,
                      "mch_billno": result.billNumber.rawValue, "status": result.state.rawValue, "outcome": result.outcome,
                      "progress": progressObject(progress)]
            if let code = result.errCode { object["err_code"] = code }
            if let message = result.message { object["message"] = message }
        case .paused(let until, let reason):
            object = ["event": "paused", "until": BeijingTime.iso8601(until), "reason": reason]
        case .resumed:
            object = ["event": "resumed"]
        case .stopping(let end):
            object = ["event": "stopping", "reason": RunOutcomeText.message(for: end)]
        case .finished(let end, let progress):
            object = ["event": "finished", "exit_status": Int(RunOutcomeText.exitStatus(for: end)),
                      "message": RunOutcomeText.message(for: end), "progress": progressObject(progress)]
        }
        object["time"] = BeijingTime.iso8601(Date())
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `in_flight_limit` and `median_latency_ms` show why a run is slow: a window at its
    /// ceiling with slow answers, or a rate held down by throttling.
    private static func progressObject(_ progress: RunProgress) -> [String: Any] {
        var object: [String: Any] = [
            "total": progress.total, "sent": progress.sent, "sent_amount": progress.sentAmount.fen, "failed": progress.failed,
            "in_flight": progress.inFlight, "in_flight_limit": progress.inFlightLimit, "rate_per_minute": progress.ratePerMinute,
        ]
        if let median = progress.medianLatency { object["median_latency_ms"] = median.milliseconds }
        return object
    }
}
