import Foundation
import PayoutKit
import RedpackSandbox

/// The client a run pays through: the real API with the manifest's credentials, or — for
/// `endpoint: sandbox` — a bundled simulator started for the run, whose own certificates
/// and API key stand in for the manifest's, so the demo needs no secrets.
struct MerchantEndpoint {
    let client: RedpackClient
    private let sandbox: RedpackSandbox?

    static func start(_ manifest: Manifest, allowReadableKeyFile: Bool, timeout: Duration) async throws -> MerchantEndpoint {
        guard manifest.merchant.endpoint == .sandbox else {
            var (merchant, transport) = try MerchantCredentials.resolve(manifest, allowReadableKeyFile: allowReadableKeyFile)
            transport.totalTimeout = timeout
            return MerchantEndpoint(client: RedpackClient(merchant: merchant, transport: transport), sandbox: nil)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("payout-sandbox-\(getpid())")
        var configuration = SandboxConfiguration(directory: directory)
        configuration.mchID = manifest.merchant.mchID
        configuration.wxappid = manifest.merchant.wxappid
        configuration.minimumAmount = manifest.limits.minimumAmount.fen
        configuration.maximumAmount = manifest.limits.maximumAmount.fen
        let sandbox = try await RedpackSandbox.start(configuration)
        let merchant = Merchant(
            mchID: configuration.mchID, wxappid: configuration.wxappid, clientIP: manifest.merchant.clientIP,
            apiKey: APIKey(configuration.apiKey), endpoint: sandbox.endpoint)
        let identity = try ClientIdentity(
            certificate: sandbox.clientCertificateFile.path, key: sandbox.clientKeyFile.path, password: configuration.mchID)
        let client = RedpackClient(
            merchant: merchant, transport: TransportConfiguration(identity: identity, caFile: sandbox.caFile.path, totalTimeout: timeout))
        return MerchantEndpoint(client: client, sandbox: sandbox)
    }

    func shutdown() async {
        client.shutdown()
        if let sandbox {
            await sandbox.shutdown()
            try? FileManager.default.removeItem(at: sandbox.configuration.directory)
        }
    }
}
