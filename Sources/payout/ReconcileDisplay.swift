import Foundation
import PayoutKit
import Synchronization

/// How a reconcile pass reads: its progress while it goes (on standard error, so standard
/// output stays the summary), each discrepancy as it is found, and the outcome.
final class ReconcileDisplay: Sendable {
    private let campaign: String
    private let json: Bool
    private let lastShown = Mutex(Date.distantPast)

    init(campaign: String, json: Bool) {
        self.campaign = campaign
        self.json = json
    }

    func show(_ event: ReconcileEvent) {
        guard !json else { return }
        switch event {
        case .started(let progress):
            Terminal.error("reconcile \(campaign): \(progress.total) sent packets not settled yet")
        case .answered(let packet, let finding, let progress):
            if case .discrepancy(let status, let detail) = finding {
                Terminal.error("discrepancy: line \(packet.line) \(packet.openid) \(packet.billNumber): gethbinfo \(status.rawValue): \(detail)")
            }
            let due = lastShown.withLock { last in
                guard Date().timeIntervalSince(last) >= 5 else { return false }
                last = Date()
                return true
            }
            if due { Terminal.error("\(BeijingTime.iso8601(Date())) asked \(progress.asked)/\(progress.total)") }
        }
    }
}
