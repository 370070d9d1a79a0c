import Foundation

/// `payout run` as one call: reach the endpoint (credentials checked first), hold the
/// ledger's lock, open the merchant's registry, import the campaign if it is not there yet,
/// pay every item that is not final, and release everything in reverse order on every way out.
public struct CampaignRun<API: Endpoint>: Sendable {
    public var manifest: Manifest
    public var ledgerPath: String
    public var endpoint: API
    /// Exit in the quiet window instead of waiting (`--no-wait`).
    public var noWait = false
    /// How long one answer may take before it is asked for again under the same bill number.
    public var requestTimeout = Duration.seconds(30)
    /// Bounds of the in-flight window (`--max-in-flight` lowers the ceiling).
    public var inFlight = InFlightWindow.defaultBounds
    public var clock: any RunClock = SystemClock()
    public var stop = StopSignal()
    public var observe: @Sendable (RunEvent) -> Void = { _ in }
    public var home = PayoutHome()

    public init(manifest: Manifest, ledgerPath: String, endpoint: API) {
        self.manifest = manifest
        self.ledgerPath = ledgerPath
        self.endpoint = endpoint
    }

    /// How the run ended, and the campaign's counts after it.
    public struct Report: Sendable {
        public var end: RunEnd
        public var status: CampaignStatus
    }

    /// Throws `RunLock.Held` when another process is working on the ledger.
    public func run() async throws -> Report {
        try await endpoint.withClient(for: manifest, timeout: requestTimeout) { client in
            try await RunLock.withLock(ledger: ledgerPath) {
                try await MerchantRegistry.withRegistry(for: manifest.merchant.mchID, home: home) { registry in
                    try await CampaignImport.withImported(manifest, at: ledgerPath, registry: registry) { ledger, outcome in
                        if case .imported(let summary) = outcome {
                            observe(.imported(summary, ledger: ledgerPath))
                        }
                        return try await pay(from: ledger, merchant: try await registry.seat(ledger), through: client)
                    }
                }
            }
        }
    }

    private func pay(from ledger: Ledger, merchant: RegisteredLedger, through client: RedpackClient) async throws -> Report {
        let campaign = try await ledger.requireCampaign(manifest.campaign)
        var settings = RunSettings(
            campaign: campaign, perMinute: manifest.limits.perMinute,
            quietHours: manifest.limits.quietHours)
        settings.noWait = noWait
        settings.site = campaign.binding?.site ?? manifest.merchant.site
        // A sandbox campaign pays nothing real: the caps are for real recipients.
        settings.dailyCaps = manifest.merchant.isSandbox ? nil : manifest.limits.dailyCaps
        settings.inFlight = inFlight
        let runner = Runner(
            ledger: ledger, merchant: merchant, api: client, settings: settings, clock: clock, stop: stop, observe: observe)
        let end = try await runner.run()
        return Report(end: end, status: try await ledger.status(of: campaign))
    }
}
