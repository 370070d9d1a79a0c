import Foundation

/// What the HTML report says about a campaign, computed from the ledger's aggregates: the
/// headline figures, the sends over time with their pauses, the status breakdown, the
/// failures with what to do about them and — once `reconcile` has recorded what became of
/// the packets — the claims, refunds and claim curve. Amounts stay integer fen until they are
/// printed.
public struct CampaignReport: Sendable {
    public struct Settings: Sendable {
        public var budget: Amount?
        public var perMinute: Int
        /// The manifest (and ledger) as the operator named them, so the advice's commands
        /// can be pasted: `Campaigns/lantern.yaml --ledger /srv/payout.sqlite`.
        public var campaignArguments: String

        public init(budget: Amount?, perMinute: Int, campaignArguments: String) {
            self.budget = budget
            self.perMinute = perMinute
            self.campaignArguments = campaignArguments
        }
    }

    /// Items that failed, or wait, under one err_code.
    public struct FailureRow: Sendable, Equatable {
        public enum Reason: Sendable, Hashable {
            case code(String)
            /// Waiting items whose last request got no answer at all.
            case noAnswer
            /// The rarest codes, folded so a hostile server cannot inflate the table.
            case otherCodes(Int)
        }

        public var reason: Reason
        /// `failed` for good, or still waiting for a run.
        public var isFinal: Bool
        public var count: Int
        public var amount: Amount
        public var serverMessage: String?
    }

    public static let maximumFailureRows = 25

    public var campaign: CampaignRecord
    public var settings: Settings
    public var generatedAt: Date
    public var outcomes: [ReportSnapshot.OutcomeGroup]
    public var failures: [FailureRow]
    public var timeline: SendTimeline
    public var pauses: [CampaignPause]
    public var runs: [RunRecord]
    public var requestMinutes: [ReportSnapshot.MinuteCount]
    /// `status`'s packet figures, read in the same snapshot as the rest.
    public var packets: PacketSummary
    /// Nil until reconcile has recorded something about the paid packets.
    public var claimCurve: ClaimCurve?

    public init(_ snapshot: ReportSnapshot, settings: Settings, generatedAt: Date) {
        campaign = snapshot.campaign
        self.settings = settings
        self.generatedAt = generatedAt
        outcomes = snapshot.outcomes
        runs = snapshot.runs
        requestMinutes = snapshot.minutes
        packets = snapshot.packets
        claimCurve = ClaimCurve(claims: snapshot.claims, packets: snapshot.packets)
        failures = Self.failureRows(snapshot.outcomes)
        let finished = snapshot.outcomes.tally(Self.waitingStates).count == 0
        pauses = CampaignPause.history(runs: snapshot.runs, minutes: snapshot.minutes, campaignFinished: finished)
        var anchors = snapshot.runs.flatMap { [$0.startedAt] + ($0.endedAt.map { [$0] } ?? []) }
        anchors += pauses.flatMap { [$0.from] + ($0.to.map { [$0] } ?? []) }
        if let open = pauses.last(where: { $0.to == nil }), generatedAt > open.from { anchors.append(generatedAt) }
        timeline = SendTimeline(minutes: snapshot.minutes, anchors: snapshot.minutes.isEmpty ? [] : anchors)
    }

    public var recipients: CampaignStatus.Tally { outcomes.tally(Set(ItemState.allCases)) }
    public var paid: CampaignStatus.Tally { outcomes.tally([.sent]) }
    public var failed: CampaignStatus.Tally { outcomes.tally([.failed]) }
    public var waiting: CampaignStatus.Tally { outcomes.tally(Self.waitingStates) }

    static let waitingStates: Set<ItemState> = [.pending, .sending, .retrying]

    /// Paid against the budget, in tenths of a percent, rounded half up: integer arithmetic.
    public var budgetUsedPermille: Int? {
        guard let budget = settings.budget, budget.fen > 0 else { return nil }
        return (paid.amount.fen * 1000 + budget.fen / 2) / budget.fen
    }

    /// How the campaign stands: finished, never run, or how its last run ended.
    public enum Standing: Sendable, Equatable {
        case complete
        case notStarted
        case stopped(RunEnd)
        /// The last run left no ending: it is still going, or it crashed.
        case unrecorded
    }

    public var standing: Standing {
        if waiting.count == 0 { return .complete }
        guard let last = runs.last else { return .notStarted }
        return last.end.map(Standing.stopped) ?? .unrecorded
    }

    /// Failed items first, then waiting ones with a reason; most items first within each.
    private static func failureRows(_ outcomes: [ReportSnapshot.OutcomeGroup]) -> [FailureRow] {
        let rows = outcomes.compactMap { group -> FailureRow? in
            guard group.state != .sent, group.state != .pending || group.errCode != nil else { return nil }
            return FailureRow(
                reason: group.errCode.map(FailureRow.Reason.code) ?? .noAnswer, isFinal: group.state == .failed,
                count: group.count, amount: group.amount, serverMessage: group.serverMessage)
        }
        let merged = Dictionary(grouping: rows) { RowKey(reason: $0.reason, isFinal: $0.isFinal) }.map { key, rows in
            FailureRow(reason: key.reason, isFinal: key.isFinal, count: rows.reduce(0) { $0 + $1.count },
                       amount: rows.reduce(Amount.zero) { $0 + $1.amount }, serverMessage: rows.compactMap(\.serverMessage).first)
        }.sorted { ($0.isFinal ? 0 : 1, -$0.count, "\($0.reason)") < ($1.isFinal ? 0 : 1, -$1.count, "\($1.reason)") }
        guard merged.count > maximumFailureRows else { return merged }
        let rest = merged.dropFirst(maximumFailureRows - 1)
        return Array(merged.prefix(maximumFailureRows - 1)) + [FailureRow(
            reason: .otherCodes(rest.count), isFinal: rest.allSatisfy(\.isFinal), count: rest.reduce(0) { $0 + $1.count },
            amount: rest.reduce(Amount.zero) { $0 + $1.amount }, serverMessage: nil)]
    }

    private struct RowKey: Hashable {
        var reason: FailureRow.Reason
        var isFinal: Bool
    }
}
