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
    @Flag(name: .customLong("allow-readable-key-file"), help: "Accept an API key file that other users can read.")
    var allowReadableKeyFile = false
    @Option(name: .customLong("request-timeout"), help: "Seconds to wait for one answer before asking again under the same bill number.")
    var requestTimeout = 30.0

    func validate() throws {
        guard requestTimeout >= 0.1 && requestTimeout <= 600 else {
            throw ValidationError("--request-timeout must be between 0.1 and 600 seconds")
        }
    }

    func run() async throws {
        let manifest = try options.load()
        let ledgerPath = options.ledgerPath
        let endpoint = try await MerchantEndpoint.start(
            manifest, allowReadableKeyFile: allowReadableKeyFile, timeout: .milliseconds(Int(requestTimeout * 1000)))
        let lock: RunLock
        do {
            lock = try RunLock(ledger: ledgerPath)
        } catch {
            await endpoint.shutdown()
            if let held = error as? RunLock.Held {
                Terminal.error("payout: \(held)")
                throw ExitCode(ExitStatus.temporary)
            }
            throw error
        }
        let display = ProgressDisplay(mode: json ? .json : quiet ? .quiet : .automatic, campaign: manifest.campaign)
        let stop = StopSignal()
        let signals = SignalWatcher(firstMessage: "\nstopping: finishing the requests in flight (press Ctrl-C again to quit at once)") {
            stop.trip()
        }
        let end: RunEnd
        let status: CampaignStatus?
        do {
            let (ledger, outcome) = try await LedgerFile.openImporting(manifest, at: ledgerPath)
            if case .imported(let summary) = outcome {
                display.note("imported campaign \(manifest.campaign): \(summary.count) recipients, \(summary.total) yuan, into \(ledgerPath)")
            }
            do {
                let campaign = try await ledger.campaign(manifest.campaign)!
                var settings = RunSettings(
                    campaign: campaign, mchID: manifest.merchant.mchID, perMinute: manifest.limits.perMinute,
                    quietHours: manifest.limits.quietHours)
                settings.noWait = noWait
                let runner = Runner(ledger: ledger, client: endpoint.client, settings: settings, stop: stop, observe: { event in
                    display.show(event)
                })
                end = try await runner.run()
                status = try await ledger.status(manifest.campaign)
                await ledger.close()
            } catch {
                await ledger.close()
                throw error
            }
        } catch {
            await endpoint.shutdown()
            throw error
        }
        signals.cancel()
        await endpoint.shutdown()
        withExtendedLifetime(lock) {}
        if let status, !json {
            Terminal.out(StatusReport.table(status, ledgerPath: ledgerPath))
            Terminal.out("report: payout export \(options.manifest)\(options.ledger.map { " --ledger \($0)" } ?? "") -o report.csv")
        }
        Terminal.error(RunOutcomeText.message(for: end))
        let code = RunOutcomeText.exitStatus(for: end)
        if code != 0 { throw ExitCode(code) }
    }
}

/// What a run's end means for the operator, and the contract's exit status for it.
enum RunOutcomeText {
    static func exitStatus(for end: RunEnd) -> Int32 {
        switch end {
        case .complete: return 0
        case .merchantRefused: return ExitStatus.merchantRefused
        case .interrupted, .quietWindow, .retriesExhausted: return ExitStatus.temporary
        }
    }

    static func message(for end: RunEnd) -> String {
        switch end {
        case .complete:
            return "done: every item is final"
        case .interrupted:
            return "stopped: interrupted; requests in flight were finished and recorded. Run again to resume."
        case .quietWindow(let until):
            return "stopped: quiet hours until \(BeijingTime.clockTime(until)) Beijing time (--no-wait). Run again after that."
        case .retriesExhausted(let items):
            return "stopped: \(items) items still have unknown outcomes after this run's retries. Run again later: they keep their bill numbers."
        case .merchantRefused(let code, let message):
            return "stopped: " + advice(code: code, message: message) + " Nothing was lost; run again once fixed."
        }
    }

    private static func advice(code: String, message: String) -> String {
        switch code {
        case "NOTENOUGH":
            return "the merchant account is out of money (NOTENOUGH: \(message)): top it up in the WeChat Pay merchant platform."
        case "NOAUTH":
            return "the merchant lacks permission for the red packet API (NOAUTH: \(message)): ask WeChat Pay to enable it."
        case "SIGN_ERROR", "FAIL":
            return "the server refused the request's signature or format (\(code): \(message)): check merchant.api_key."
        case "TLS_ERROR":
            return "TLS was refused (\(message)): check merchant.cert, merchant.key and merchant.ca_file."
        case "CA_ERROR":
            return "the server refused the client certificate (CA_ERROR: \(message)): check merchant.cert."
        case "ILLEGAL_APPID", "MSGAPPID_ERROR":
            return "the server refused the app id (\(code): \(message)): check merchant.wxappid."
        case "SENDAMOUNT_LIMIT":
            return "the merchant's daily amount cap is reached (SENDAMOUNT_LIMIT: \(message)): run again tomorrow or raise the cap."
        default:
            return "the server refused the merchant's configuration (\(code): \(message))."
        }
    }
}
