import ArgumentParser
import Foundation
import PayoutKit

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Ask gethbinfo what became of every sent packet not yet claimed or refunded, and record it. Run again to resume."
    )

    @OptionGroup var options: CampaignOptions
    @Flag(help: "Print one JSON object with the outcome on standard output.") var json = false
    @Flag(name: .customLong("no-wait"), help: "Accepted as for run; reconcile never waits for the quiet window.") var noWait = false
    @OptionGroup var endpoint: EndpointOptions

    func run() async throws {
        let manifest = try options.load()
        var reconcile = CampaignReconcile(
            manifest: manifest, ledgerPath: options.ledgerPath, endpoint: endpoint.endpoint(ledger: options.ledgerPath))
        reconcile.requestTimeout = endpoint.timeout
        let display = ReconcileDisplay(campaign: manifest.campaign, json: json)
        reconcile.observe = { display.show($0) }
        let stop = reconcile.stop
        let signals = SignalWatcher(firstMessage: "\nstopping: finishing the queries in flight (press Ctrl-C again to quit at once)") {
            stop.trip()
        }
        defer { signals.cancel() }
        let report: ReconcileReport
        do {
            report = try await reconcile.run()
        } catch let held as RunLock.Held {
            Terminal.error("payout: \(held)")
            throw ExitCode(ExitStatus.temporary)
        }
        let code = ReconcileText.exitStatus(for: report.end)
        if json {
            Terminal.out(ReconcileText.json(report, campaign: manifest.campaign, exitStatus: code))
        } else {
            Terminal.out(ReconcileText.summary(report, campaign: manifest.campaign))
        }
        Terminal.error(ReconcileText.message(for: report.end))
        if code != 0 { throw ExitCode(code) }
    }
}
