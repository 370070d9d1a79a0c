import Foundation
import PayoutKit

/// The endpoint `payout run` pays through: the real API with the manifest's credentials,
/// or — for `endpoint: sandbox` — a bundled simulator started for the run, whose own
/// certificates and API key stand in for the manifest's, so the demo needs no secrets.
public struct SandboxEndpoint: Endpoint {
    public var merchant: MerchantEndpoint

    public init(merchant: MerchantEndpoint) {
        self.merchant = merchant
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
