import ArgumentParser

@main
struct Payout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pays WeChat Pay cash red packets to a campaign's recipients, safely and resumably.",
        subcommands: [SandboxCommand.self]
    )
}
