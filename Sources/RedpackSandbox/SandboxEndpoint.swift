import Foundation
import PayoutKit

/// The endpoint `payout run` and `payout reconcile` reach: the real API with the manifest's
/// credentials, or — for `endpoint: sandbox` — a bundled simulator started for the command,
/// whose own certificates and API key stand in for the manifest's, so the demo needs no
/// secrets. Given the ledger's path, the bundled sandbox remembers what it paid beside the
/// ledger (`LEDGER.sandbox`) and plays a campaign's week in minutes (`demoLifecycle`), so a
/// newcomer can run, reconcile, reissue and run again; a new ledger meets a new sandbox.
public struct SandboxEndpoint: Endpoint {
    public var merchant: MerchantEndpoint
    public var ledger: String?

    public init(merchant: MerchantEndpoint, ledger: String? = nil) {
        self.merchant = merchant
        self.ledger = ledger
    }

    /// Recipients who open 70% of their packets 10 s after payment; the rest go back after a
    /// minute (RFUND_ING for another minute): the live API's day, shortened for the demo.
    public static let demoLifecycle: PacketLifecycle = {
        var lifecycle = PacketLifecycle()
        lifecycle.claimProbability = 0.7
        lifecycle.claimDelay = 10
        lifecycle.refundAfter = 60
        return lifecycle
    }()

    /// Where the bundled sandbox keeps its payments: forgotten when the ledger is gone.
    static func stateFile(ledger: String) -> URL {
        let url = URL(fileURLWithPath: ledger + ".sandbox")
        if !FileManager.default.fileExists(atPath: ledger) {
            try? FileManager.default.removeItem(at: url)
        }
        return url
    }

    public func withClient<T>(
        for manifest: Manifest, timeout: Duration, _ body: (RedpackClient) async throws -> T
    ) async throws -> T {
        guard manifest.merchant.endpoint == .sandbox else {
            return try await merchant.withClient(for: manifest, timeout: timeout, body)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("payout-sandbox-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SandboxConfiguration(directory: directory)
        configuration.mchID = manifest.merchant.mchID
        configuration.wxappid = manifest.merchant.wxappid
        configuration.minimumAmount = manifest.limits.minimumAmount.fen
        configuration.maximumAmount = manifest.limits.maximumAmount.fen
        configuration.lifecycle = Self.demoLifecycle
        configuration.stateFile = ledger.map(Self.stateFile(ledger:))
        return try await RedpackSandbox.withSandbox(configuration) { sandbox in
            let merchant = Merchant(
                mchID: configuration.mchID, wxappid: configuration.wxappid, clientIP: manifest.merchant.clientIP,
                apiKey: APIKey(configuration.apiKey), endpoint: sandbox.endpoint)
            let identity = try ClientIdentity(
                certificate: sandbox.clientCertificateFile.path, key: sandbox.clientKeyFile.path, password: configuration.mchID)
            let transport = TransportConfiguration(identity: identity, caFile: sandbox.caFile.path, totalTimeout: timeout)
            return try await RedpackClient.withClient(merchant: merchant, transport: transport, body)
        }
    }
}
