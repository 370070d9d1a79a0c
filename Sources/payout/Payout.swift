import ArgumentParser
import Foundation
import PayoutKit

@main
struct Payout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pays WeChat Pay cash red packets to a campaign's recipients, safely and resumably.",
        subcommands: [
            RunCommand.self, ValidateCommand.self, ImportCommand.self, StatusCommand.self, ReconcileCommand.self,
            ReissueCommand.self, ExportCommand.self, ReportCommand.self, CampaignsCommand.self, SandboxCommand.self,
        ]
    )

    /// The contract's exit statuses: 2 for any bad input, arguments included (the argument
    /// parser's own default would be 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as InputError {
            Terminal.error(error.description)
            Foundation.exit(ExitStatus.badInput)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.badInput)
            }
            self.exit(withError: error)
        }
    }
}

/// The contract's exit statuses.
enum ExitStatus {
    static let badInput: Int32 = 2
    static let merchantRefused: Int32 = 3
    static let temporary: Int32 = 75
}

/// The manifest argument and ledger option that most commands share.
struct CampaignOptions: ParsableArguments {
    @Argument(help: "The campaign manifest (YAML).") var manifest: String
    @Option(help: "The SQLite ledger; default: $PAYOUT_LEDGER, else payout.sqlite beside the manifest.") var ledger: String?

    var ledgerPath: String {
        LedgerFile.path(option: ledger, manifestPath: manifest)
    }

    func load() throws -> Manifest {
        try ManifestLoader.load(manifest)
    }
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func out(_ message: String) {
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }

    /// A question on standard error, the answer typed on the same line.
    static func prompt(_ question: String) {
        FileHandle.standardError.write(Data(question.utf8))
    }
}
