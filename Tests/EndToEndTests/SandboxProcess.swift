import Foundation
import PayoutKit
import PayoutTestSupport

/// `payout sandbox` as a separate process, outliving the runs a test kills.
struct SandboxProcess {
    let running: PayoutProcess.Running
    let port: Int
    let apiKey: String
    let directory: URL
    let journal: URL

    /// Starts the sandbox and waits for its `listening` line, polling with `Task.sleep`: a
    /// blocking sleep would hold one of the cooperative pool's two threads (see `ProcessExit`).
    /// Its start-up (certificates, keys) takes one of the `ChildProcessSlots`; serving does not.
    static func start(in folder: CampaignFolder, arguments: [String] = []) async throws -> SandboxProcess {
        try await ChildProcessSlots.shared.withSlot { try await launch(in: folder, arguments: arguments) }
    }

    private static func launch(in folder: CampaignFolder, arguments: [String]) async throws -> SandboxProcess {
        let journal = folder.url.appendingPathComponent("journal.jsonl")
        let running = try PayoutProcess.start(
            ["sandbox", "--dir", "sbx", "--port", "0", "--journal", journal.path] + arguments, in: folder.url)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = String(decoding: (try? Data(contentsOf: running.out)) ?? Data(), as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }) {
                let fields = Dictionary(uniqueKeysWithValues: line.split(separator: " ").compactMap { part -> (String, String)? in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
                })
                let url = line.split(separator: " ")[1]
                let port = Int(url.split(separator: ":").last ?? "") ?? 0
                return SandboxProcess(running: running, port: port, apiKey: fields["api_key"] ?? "",
                                      directory: folder.url.appendingPathComponent("sbx"), journal: journal)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        running.process.terminate()
        throw ProcessFailure(command: "payout sandbox", output: "no listening line within 20 s")
    }

    /// The manifest's merchant section pointing at this sandbox, as a real merchant's would.
    var merchantSection: String {
        """
        merchant:
          mch_id: "10000098"
          wxappid: wx8888888888888888
          client_ip: 192.168.0.1
          api_key: env:PAYOUT_TEST_API_KEY
          cert: sbx/client_cert.pem
          key: sbx/client_key.pem
          ca_file: sbx/ca.pem
          endpoint: https://127.0.0.1:\(port)
        """
    }

    var environment: [String: String] { ["PAYOUT_TEST_API_KEY": apiKey] }

    /// A client of this sandbox with its own files, as any WeChat Pay v2 client would use them.
    func client(apiKey: String? = nil) throws -> RedpackClient {
        let identity = try ClientIdentity(
            certificate: directory.appendingPathComponent("client_cert.pem").path,
            key: directory.appendingPathComponent("client_key.pem").path, password: "10000098")
        return RedpackClient(
            merchant: Merchant(mchID: "10000098", wxappid: "wx8888888888888888", clientIP: "192.168.0.1",
                               apiKey: APIKey(apiKey ?? self.apiKey), endpoint: "https://127.0.0.1:\(port)"),
            transport: TransportConfiguration(identity: identity, caFile: directory.appendingPathComponent("ca.pem").path))
    }

    func stop() {
        running.process.interrupt()
        // Blocking, but briefly (the sandbox exits at once on SIGINT): stop() runs in `defer`, which cannot await.
        running.process.waitUntilExit()
        _ = running.result()
    }

    struct JournalEntry: Decodable {
        /// The sandbox's clock, ISO 8601 Beijing time.
        var time: String?
        /// sendredpack or gethbinfo.
        var api: String
        var billno: String
        var openid: String
        var amount: Int?
        var outcome: String
        var paid: Bool
    }

    func entries() throws -> [JournalEntry] {
        let text = try String(contentsOf: journal, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
    }

    /// The sendredpack requests only: what was paid, and under which numbers.
    func sends() throws -> [JournalEntry] {
        try entries().filter { $0.api == "sendredpack" }
    }

    /// gethbinfo's answers, by bill number, in order (status, or NOT_FOUND).
    func queries() throws -> [String: [String]] {
        try entries().filter { $0.api == "gethbinfo" }.reduce(into: [:]) { $0[$1.billno, default: []].append($1.outcome) }
    }
}

extension CampaignFolder {
    /// A campaign of `count` generated recipients paying through an external sandbox.
    static func external(count: Int, sandboxArguments: [String] = [], perMinute: Int = 6000) async throws -> (CampaignFolder, SandboxProcess) {
        let folder = try generatedCampaign(count: count)
        let sandbox = try await SandboxProcess.start(in: folder, arguments: sandboxArguments)
        let manifest = CampaignFolder.manifest
            .components(separatedBy: "merchant:")[0] + sandbox.merchantSection + "\nlimits:\n  per_minute: \(perMinute)\n  quiet_hours: \"off\"\n"
        try folder.write("m.yaml", manifest)
        return (folder, sandbox)
    }
}
