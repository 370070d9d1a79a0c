import ArgumentParser
import PayoutKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the manifest, its recipients file and the merchant's key and certificate; print every problem. Sends and writes nothing."
    )

    @Argument(help: "The campaign manifest (YAML).") var manifest: String
    @Flag(name: .customLong("allow-readable-key-file"), help: "Accept an API key file that other users can read.")
    var allowReadableKeyFile = false

    func run() async throws {
        let loaded = try ManifestLoader.load(manifest)
        var problems: [InputProblem] = []
        var summary: RecipientsSummary?
        do {
            summary = try RecipientsValidator.read(loaded)
        } catch {
            problems += error.problems
        }
        if loaded.merchant.endpoint != .sandbox {
            do {
                _ = try MerchantCredentials.resolve(loaded, allowReadableKeyFile: allowReadableKeyFile)
            } catch {
                problems += error.problems
            }
        }
        guard problems.isEmpty, let summary else { throw InputError(problems) }
        Terminal.out("\(manifest): OK — campaign \(loaded.campaign), \(summary.count) recipients, \(summary.total) yuan, \(summary.encoding.rawValue)")
    }
}
