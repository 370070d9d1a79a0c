import Foundation

/// `payout reissue` as one call: hold the ledger's lock (no run may pay while numbers
/// change), open the campaign, work out the plan, let the operator confirm it, and apply it
/// in one transaction. It needs no endpoint: the next `run` pays the reissued items.
public struct CampaignReissue: Sendable {
    public var manifest: Manifest
    public var ledgerPath: String
    public var selection: ReissueSelection
    public var now: @Sendable () -> Date = { Date() }
    /// Where the merchant registry the new bill numbers come from lives.
    public var home = PayoutHome()

    public init(manifest: Manifest, ledgerPath: String, selection: ReissueSelection) {
        self.manifest = manifest
        self.ledgerPath = ledgerPath
        self.selection = selection
    }

    public enum Outcome: Sendable, Equatable {
        /// Nothing is proven unpaid (under the selection): nothing to do.
        case nothingSelectable(ReissuePlan)
        /// Paying the selection would pass the manifest's budget: nothing changed.
        case overBudget(ReissuePlan)
        /// Not confirmed (or `--dry-run`): nothing changed.
        case notConfirmed(ReissuePlan)
        case reissued(ReissuePlan)
    }

    /// `confirm` sees a plan that can be applied and says whether to apply it. Throws
    /// `RunLock.Held` when another process is working on the ledger.
    public func run(confirm: (ReissuePlan) async throws -> Bool) async throws -> Outcome {
        try Ledger.requireFile(of: manifest, at: ledgerPath)
        return try await RunLock.withLock(ledger: ledgerPath) {
            try await Ledger.withCampaign(of: manifest, at: ledgerPath) { ledger, campaign in
                let plan = try await ledger.reissuePlan(campaign, selection: selection, budget: manifest.budget)
                if plan.itemIDs.isEmpty { return .nothingSelectable(plan) }
                if plan.isOverBudget { return .overBudget(plan) }
                guard try await confirm(plan) else { return .notConfirmed(plan) }
                let now = now()
                let numbers = try await MerchantRegistry.withRegistry(for: campaign.mchID, home: home) { registry in
                    try await registry.seat(ledger, now: now)
                        .billNumbers(plan.itemIDs.count, site: campaign.binding?.site ?? manifest.merchant.site, now: now)
                }
                _ = try await ledger.reissue(campaign, plan: plan, selection: selection, numbers: numbers, now: now)
                return .reissued(plan)
            }
        }
    }
}
