import Foundation

/// `payout campaigns`: every campaign the registries in PAYOUT_HOME know, with what its
/// ledger says of it now — so an operator sees, before importing, where a campaign was paid.
public struct RegisteredCampaign: Sendable {
    public var mchID: String
    public var campaign: String
    public var ledgerPath: String
    public var endpoint: String
    /// The earlier campaign this one deliberately repeats.
    public var repeatOf: String?
    /// nil when the ledger (or the campaign in it) is gone: the registry still remembers it.
    public var status: CampaignStatus?
    public var lastRun: RunRecord?
}

public enum CampaignListing {
    /// Every merchant's campaigns, merchants in mch_id order, campaigns as registered.
    public static func all(in home: PayoutHome) async throws -> [RegisteredCampaign] {
        var listing: [RegisteredCampaign] = []
        for mchID in try home.merchants() {
            let entries = try await MerchantRegistry.withRegistry(for: mchID, home: home) { try await $0.entries() }
            for entry in entries {
                listing.append(try await describe(entry, of: mchID))
            }
        }
        return listing
    }

    private static func describe(_ entry: MerchantRegistry.Entry, of mchID: String) async throws -> RegisteredCampaign {
        var described = RegisteredCampaign(
            mchID: mchID, campaign: entry.campaign, ledgerPath: entry.ledgerPath, endpoint: entry.endpoint, repeatOf: entry.repeatOf)
        guard FileManager.default.fileExists(atPath: entry.ledgerPath) else { return described }
        // One unreadable ledger (a newer schema, no permission) leaves its line without
        // figures; the rest of the listing still shows.
        try? await Ledger.withLedger(at: entry.ledgerPath) { ledger in
            guard try await ledger.ledgerID() == entry.ledgerID else { return }
            described.status = try await ledger.status(entry.campaign)
            described.lastRun = try await ledger.runs(entry.campaign).last
        }
        return described
    }
}
