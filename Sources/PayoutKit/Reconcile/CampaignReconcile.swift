import Foundation

/// `payout reconcile` as one call, shaped like `CampaignRun`: reach the endpoint
/// (credentials checked first), hold the ledger's lock — a reconcile and a run never work
/// on one ledger at once —, open the campaign, ask about its unsettled packets, and release
/// everything in reverse order on every way out. It never imports: there is nothing to
/// reconcile before a run.
public struct CampaignReconcile<API: Endpoint>: Sendable {
    public var manifest: Manifest
    public var ledgerPath: String
    public var endpoint: API
    public var requestTimeout = Duration.seconds(30)
    public var clock: any RunClock = SystemClock()
    public var stop = StopSignal()
    public var observe: @Sendable (ReconcileEvent) -> Void = { _ in }

    public init(manifest: Manifest, ledgerPath: String, endpoint: API) {
        self.manifest = manifest
        self.ledgerPath = ledgerPath
        self.endpoint = endpoint
    }

    /// Throws `RunLock.Held` when another process is working on the ledger.
    public func run() async throws -> ReconcileReport {
        try Ledger.requireFile(of: manifest, at: ledgerPath)
        return try await endpoint.withClient(for: manifest, timeout: requestTimeout) { client in
            try await RunLock.withLock(ledger: ledgerPath) {
                try await Ledger.withCampaign(of: manifest, at: ledgerPath) { ledger, campaign in
                    try CampaignChanges.verifyMerchant(manifest, against: campaign)
                    let reconciler = Reconciler(
                        ledger: ledger, api: client, campaign: campaign, perMinute: manifest.limits.queryPerMinute,
                        clock: clock, stop: stop, observe: observe)
                    return try await reconciler.run()
                }
            }
        }
    }
}
