/// How a run reaches the API for a manifest: a client for `body`, with everything behind it
/// (connections, a bundled simulator) released on every way out. `MerchantEndpoint` is
/// the real API; the sandbox target adds the bundled simulator for `endpoint: sandbox`.
public protocol Endpoint: Sendable {
    func withClient<T>(
        for manifest: Manifest, timeout: Duration, _ body: (RedpackClient) async throws -> T
    ) async throws -> T
}

/// The real API with the manifest's API key and client certificate, each checked before
/// anything else happens, so a bad credential is reported before the ledger is touched.
public struct MerchantEndpoint: Endpoint {
    /// Accept an API key file other users can read (`--allow-readable-key-file`).
    public var allowReadableKeyFile: Bool

    public init(allowReadableKeyFile: Bool = false) {
        self.allowReadableKeyFile = allowReadableKeyFile
    }

    public func withClient<T>(
        for manifest: Manifest, timeout: Duration, _ body: (RedpackClient) async throws -> T
    ) async throws -> T {
        var (merchant, transport) = try MerchantCredentials.resolve(manifest, allowReadableKeyFile: allowReadableKeyFile)
        transport.totalTimeout = timeout
        return try await RedpackClient.withClient(merchant: merchant, transport: transport, body)
    }
}
