/// How fast recipients opened their packets: the share of sent packets claimed within so
/// many minutes of each packet's own send, cumulative over the first day, and what became of
/// the rest — refunded, on its way back, not claimed yet — as the remainder.
///
/// Kept per minute, as SQLite counted it, so the chart draws the first minutes (when most
/// packets are opened) as exactly as the last hours; the table groups them into `limits`.
/// Counts only: shares are integer tenths of a percent of `sent`, like every share on the page.
public struct ClaimCurve: Sendable {
    /// WeChat Pay refunds a packet nobody opened within 24 hours: the curve's natural end.
    public static let horizonMinutes = 1440

    /// The table's rows end at these minutes: every 5 minutes through the first hour, when
    /// most packets are opened, then every hour through the day.
    static let limits = Array(stride(from: 5, through: 60, by: 5)) + Array(stride(from: 120, through: horizonMinutes, by: 60))

    /// Claims since the previous row's limit, and all claims so far.
    public struct Interval: Sendable, Equatable {
        /// Claimed within this many minutes of the send; nil: later than a day, or at a time
        /// the ledger does not have.
        public var withinMinutes: Int?
        public var claimed: Int
        public var cumulative: Int
    }

    public let packets: PacketSummary
    /// Minutes within the day with claims, soonest first.
    public let minutes: [(minute: Int, count: Int)]
    /// Claimed a day or more after the send, or at a time the ledger does not have.
    public let claimedLater: Int

    /// Nil until reconcile has recorded something, or when no packet is paid: no curve to draw.
    public init?(claims: [ReportSnapshot.ClaimCount], packets: PacketSummary) {
        guard packets.isReconciled, packets.sent.count > 0 else { return nil }
        self.packets = packets
        minutes = claims.compactMap { claim in claim.minute.map { ($0, claim.count) } }.sorted { $0.minute < $1.minute }
        claimedLater = claims.filter { $0.minute == nil }.reduce(0) { $0 + $1.count }
    }

    public var sent: Int { packets.sent.count }

    public var claimedWithinDay: Int { minutes.reduce(0) { $0 + $1.count } }

    /// Packets opened less than `limit` minutes after their send.
    public func claimed(within limit: Int) -> Int {
        minutes.reduce(0) { $0 + ($1.minute < limit ? $1.count : 0) }
    }

    /// `count` as a share of the sent packets, in tenths of a percent, rounded half up.
    public func permille(_ count: Int) -> Int {
        (count * 1000 + sent / 2) / sent
    }

    /// The table's rows, with the later-or-unknown claims last when there are any.
    public var intervals: [Interval] {
        var previous = 0
        var rows = Self.limits.map { limit in
            let cumulative = claimed(within: limit)
            defer { previous = cumulative }
            return Interval(withinMinutes: limit, claimed: cumulative - previous, cumulative: cumulative)
        }
        if claimedLater > 0 {
            rows.append(Interval(withinMinutes: nil, claimed: claimedLater, cumulative: previous + claimedLater))
        }
        return rows
    }

    /// The curve's corners as (minute, packets claimed by then), from (0, 0) to the end of the
    /// day: claims spread evenly across their minute, flat across minutes without any.
    var points: [(minute: Int, claimed: Int)] {
        var points = [(minute: 0, claimed: 0)]
        var claimed = 0
        for (minute, count) in minutes {
            if points[points.count - 1].minute < minute { points.append((minute, claimed)) }
            claimed += count
            points.append((minute + 1, claimed))
        }
        if points[points.count - 1].minute < Self.horizonMinutes { points.append((Self.horizonMinutes, claimed)) }
        return points
    }
}
