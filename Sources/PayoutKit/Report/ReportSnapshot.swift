import Foundation

/// What the ledger knows about one campaign, already aggregated: a few hundred rows
/// whatever the campaign's size, so the report never holds one row per recipient.
public struct ReportSnapshot: Sendable, Equatable {
    /// Items sharing a state and (except for `sent`) their last err_code.
    public struct OutcomeGroup: Sendable, Equatable {
        public var state: ItemState
        public var errCode: String?
        public var count: Int
        public var amount: Amount
        /// One of the server's err_code_des texts for the group, shortened: untrusted text.
        public var serverMessage: String?

        public init(state: ItemState, errCode: String? = nil, count: Int, amount: Amount, serverMessage: String? = nil) {
            self.state = state
            self.errCode = errCode
            self.count = count
            self.amount = amount
            self.serverMessage = serverMessage
        }
    }

    /// The sendredpack requests that started in one minute (Beijing time), by what they did.
    public struct MinuteCount: Sendable, Equatable {
        public var minute: Date
        public var paid: Int
        public var failed: Int
        /// Answers that left the item waiting: unknown, throttled, quiet window, refused set-up.
        public var other: Int
        public var firstRequest: Date
        public var lastRequest: Date

        public init(minute: Date, paid: Int, failed: Int, other: Int, firstRequest: Date, lastRequest: Date) {
            self.minute = minute
            self.paid = paid
            self.failed = failed
            self.other = other
            self.firstRequest = firstRequest
            self.lastRequest = lastRequest
        }

        public var total: Int { paid + failed + other }
    }

    /// Claimed packets that were opened `minute` whole minutes after they were sent: the claim
    /// curve's data, at most one row per minute of a day.
    public struct ClaimCount: Sendable, Equatable {
        /// Nil for packets opened a day or more after their send, and for any whose claim or
        /// send time the ledger lacks.
        public var minute: Int?
        public var count: Int

        public init(minute: Int?, count: Int) {
            self.minute = minute
            self.count = count
        }
    }

    public var campaign: CampaignRecord
    public var outcomes: [OutcomeGroup]
    /// Only minutes with requests, oldest first.
    public var minutes: [MinuteCount]
    public var runs: [RunRecord]
    /// What reconcile learned of the paid packets: the same figures `status` prints.
    public var packets: PacketSummary
    /// Only minutes with claims, soonest first; the later-or-unknown row last.
    public var claims: [ClaimCount]

    public init(
        campaign: CampaignRecord, outcomes: [OutcomeGroup], minutes: [MinuteCount], runs: [RunRecord], packets: PacketSummary,
        claims: [ClaimCount]
    ) {
        self.campaign = campaign
        self.outcomes = outcomes
        self.minutes = minutes
        self.runs = runs
        self.packets = packets
        self.claims = claims
    }

}

extension [ReportSnapshot.OutcomeGroup] {
    public func tally(_ states: Set<ItemState>) -> CampaignStatus.Tally {
        filter { states.contains($0.state) }.reduce(into: CampaignStatus.Tally()) { sum, group in
            sum.count += group.count
            sum.amount = sum.amount + group.amount
        }
    }
}
