import ArgumentParser
import PayoutKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the manifest and its recipients file; print every problem. Sends and writes nothing."
    )

    @Argument(help: "The campaign manifest (YAML).") var manifest: String

    func run() async throws {
        let loaded = try ManifestLoader.load(manifest)
        let summary = try RecipientsValidator.read(loaded)
        Terminal.out("\(manifest): OK — campaign \(loaded.campaign), \(summary.count) recipients, \(summary.total) yuan, \(summary.encoding.rawValue)")
    }
}
