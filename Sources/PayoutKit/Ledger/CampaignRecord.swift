/// A campaign as the ledger froze it at import.
public struct CampaignRecord: Sendable, Equatable {
    public var id: String
    public var mchID: String
    public var wxappid: String
    public var texts: CampaignTexts
    public var recipientsPath: String
    public var recipientsFingerprint: String
    public var extraColumns: [String]
    public var itemCount: Int
    public var total: Amount
    public var itemIDs: ClosedRange<Int>
    public var importedAt: String
    /// What every request of the campaign is bound to: nil only in a campaign imported by an
    /// earlier release, until its first run binds them.
    public var binding: CampaignBinding?
}

/// Counts and amounts per state: what `status` shows and what `run` decides from.
public struct CampaignStatus: Sendable, Equatable {
    public struct Tally: Sendable, Equatable {
        public var count = 0
        public var amount = Amount.zero
    }

    public var campaign: String
    public var byState: [ItemState: Tally]
    public var billNumbersAssigned: Int
    /// Items whose outcome has been unknown for longer than gethbinfo reaches back (30 days):
    /// payout never sends them again, only the merchant platform's records can settle them.
    public var needsMerchantRecords = 0

    public var total: Tally {
        byState.values.reduce(into: Tally()) { sum, tally in
            sum.count += tally.count
            sum.amount = sum.amount + tally.amount
        }
    }

    public func tally(_ state: ItemState) -> Tally {
        byState[state] ?? Tally()
    }

    public var isComplete: Bool {
        tally(.pending).count + tally(.sending).count + tally(.retrying).count == 0
    }
}

/// What `import` did.
public enum ImportOutcome: Sendable, Equatable {
    case imported(RecipientsSummary)
    case alreadyImported
}
