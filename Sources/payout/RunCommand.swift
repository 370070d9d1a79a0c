import ArgumentParser
import Foundation
import PayoutKit
import RedpackSandbox

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Import the campaign if needed, then send every item that is not final. Run again to resume."
    )

    @OptionGroup var options: CampaignOptions
    @Flag(name: .customLong("no-wait"), help: "In the quiet window, exit with status 75 instead of waiting for 08:00 Beijing time.")
    var noWait = false
    @Flag(help: "No progress output; only the final summary.") var quiet = false
    @Flag(help: "Print one JSON object per event on standard output.") var json = false
    @OptionGroup var endpoint: EndpointOptions
    @Option(name: .customLong("max-in-flight"), help: "Most requests in flight at once: the run sizes its window from the answers' latency, up to this.")
    var maxInFlight = InFlightWindow.defaultBounds.upperBound

    func validate() throws {
        guard (1...InFlightWindow.defaultBounds.upperBound).contains(maxInFlight) else {
            throw ValidationError("--max-in-flight must be between 1 and \(InFlightWindow.defaultBounds.upperBound)")
        }
    }

    func run() async throws {
        let manifest = try options.load()
        let display = ProgressDisplay(mode: json ? .json : quiet ? .quiet : .automatic, campaign: manifest.campaign)
        var run = CampaignRun(manifest: manifest, ledgerPath: options.ledgerPath, endpoint: endpoint.endpoint(ledger: options.ledgerPath))
        run.noWait = noWait
        run.requestTimeout = endpoint.timeout
        run.inFlight = min(InFlightWindow.defaultBounds.lowerBound, maxInFlight)...maxInFlight
        run.observe = { display.show($0) }
        let stop = run.stop
        let signals = SignalWatcher(firstMessage: "\nstopping: finishing the requests in flight (press Ctrl-C again to quit at once)") {
            stop.trip()
        }
        defer { signals.cancel() }
        let report: CampaignRun<SandboxEndpoint>.Report
        do {
            report = try await run.run()
        } catch let held as RunLock.Held {
            Terminal.error("payout: \(held)")
            throw ExitCode(ExitStatus.temporary)
        }
        if !json {
            Terminal.out(StatusReport.table(report.status, ledgerPath: options.ledgerPath))
            Terminal.out("report: payout export \(options.manifest)\(options.ledger.map { " --ledger \($0)" } ?? "") -o report.csv")
        }
        Terminal.error(RunOutcomeText.message(for: report.end))
        let code = RunOutcomeText.exitStatus(for: report.end)
        if code != 0 { throw ExitCode(code) }
    }
}
