import Foundation
import PayoutKit
import PayoutTestSupport
import RedpackSandbox

/// The built `payout` executable, run as an operator would run it.
enum PayoutProcess {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("payout")
    }

    struct Result {
        var status: Int32
        var stdoutData: Data
        var stderr: String

        var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

        /// `--json`'s events, a JSON object per line; a line that is not one is an error.
        func jsonEvents() throws -> [[String: Any]] {
            try stdout.split(separator: "\n").map { line in
                guard let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw ProcessFailure(command: "payout --json", output: "not a JSON object: \(line)")
                }
                return event
            }
        }

        /// The `progress` object of every `--json` event that carries one.
        func jsonProgress() throws -> [[String: Any]] {
            try jsonEvents().compactMap { $0["progress"] as? [String: Any] }
        }
    }

    /// Runs `payout arguments…` in `directory` to completion, awaiting the exit rather than
    /// blocking one of the cooperative pool's two threads (see `ProcessExit`), in one of the
    /// `ChildProcessSlots`.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Result {
        try await ChildProcessSlots.shared.withSlot {
            let process = try start(arguments, in: directory, environment: environment)
            await process.exited()
            return process.result()
        }
    }

    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // Each campaign folder has a merchant registry of its own unless a test shares one.
        let home = ["PAYOUT_HOME": directory.appendingPathComponent("payout-home").path]
        process.environment = ProcessInfo.processInfo.environment.merging(home) { $1 }.merging(environment) { $1 }
        let id = UUID().uuidString
        let out = directory.appendingPathComponent(".out-\(id)")
        let err = directory.appendingPathComponent(".err-\(id)")
        for file in [out, err] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
            throw CocoaError(.fileWriteUnknown)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let exit = try ProcessExit(running: process)
        return Running(process: process, exit: exit, out: out, err: err)
    }

    struct Running {
        let process: Process
        let exit: ProcessExit
        let out: URL
        let err: URL

        /// Returns once the process has exited, without holding a thread while it runs.
        func exited() async {
            await exit.exited()
        }

        func result() -> Result {
            let stdout = (try? Data(contentsOf: out)) ?? Data()
            let stderr = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
            return Result(status: process.terminationStatus, stdoutData: stdout, stderr: stderr)
        }
    }
}

/// A folder holding a campaign: manifest `m.yaml`, recipients `r.csv`.
struct CampaignFolder {
    let url: URL

    static let manifest = SampleCampaign.manifest

    static let recipients = """
        openid,amount,name
        oxTWIuGaIt6gTKsQRLau2M0yL16E,100,张三
        oN7KBpzXzXsWjkJrmIgg2dUrscy6,888,李四

        """

    init(manifest: String = Self.manifest, recipients: String? = Self.recipients) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("payout-campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try write("m.yaml", manifest)
        if let recipients { try write("r.csv", recipients) }
    }

    /// Where this folder's runs keep their merchant registry.
    var home: PayoutHome { PayoutHome(path: url.appendingPathComponent("payout-home").path) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(name))
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
    }

    func payout(_ arguments: String..., environment: [String: String] = [:]) async throws -> PayoutProcess.Result {
        try await PayoutProcess.run(arguments, in: url, environment: environment)
    }

    /// Points the manifest at an in-process sandbox, with its files and key, as a merchant's
    /// manifest points at WeChat Pay: commands run as processes then reach the test's sandbox.
    /// Returns the environment that carries the key.
    func point(at sandbox: RedpackSandbox) throws -> [String: String] {
        let manifest = String(decoding: try read("m.yaml"), as: UTF8.self).replacingOccurrences(of: "  endpoint: sandbox", with: """
              api_key: env:PAYOUT_TEST_API_KEY
              cert: \(sandbox.clientCertificateFile.path)
              key: \(sandbox.clientKeyFile.path)
              ca_file: \(sandbox.caFile.path)
              endpoint: \(sandbox.endpoint)
            """)
        try write("m.yaml", manifest)
        return ["PAYOUT_TEST_API_KEY": sandbox.configuration.apiKey]
    }

    /// The default ledger: `payout.sqlite` beside the manifest.
    var ledgerPath: String { url.appendingPathComponent("payout.sqlite").path }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
