import Foundation

/// The HTML report's queries. SQLite aggregates on the ledger's own executor — by state and
/// err_code, by minute of sending, by minutes from send to claim — so a million-row campaign
/// reads back as a few hundred rows. They read one state of the file, so the page's figures
/// add up even while a run or reconcile writes.
extension Ledger {
    /// Longest err_code and server message the report shows: they come from the server, and
    /// a hostile one must not be able to inflate the page.
    static let reportCodeLength = 64
    static let reportMessageLength = 200

    public func reportSnapshot(_ campaignID: String) throws -> ReportSnapshot {
        guard let campaign = try campaign(campaignID) else {
            throw LedgerError("campaign \(campaignID) is not in the ledger \(path)")
        }
        let range = Self.range(campaign)
        return try db.snapshot {
            ReportSnapshot(
                campaign: campaign, outcomes: try outcomeGroups(range), minutes: try requestMinutes(range), runs: try runs(campaignID),
                packets: try packetSummary(of: campaign), claims: try claimMinutes(range))
        }
    }

    /// A `sent` item may still carry the err_code of an earlier unknown answer: it is ignored.
    private func outcomeGroups(_ range: [SQLValue]) throws(LedgerError) -> [ReportSnapshot.OutcomeGroup] {
        try db.prepare("""
            SELECT state, substr(CASE WHEN state = 'sent' THEN NULL ELSE err_code END, 1, \(Self.reportCodeLength)) AS code,
                   COUNT(*), SUM(amount), substr(MAX(err_code_des), 1, \(Self.reportMessageLength))
            FROM items WHERE id BETWEEN ? AND ? GROUP BY state, code
            """).rows(range) { row in
                ReportSnapshot.OutcomeGroup(
                    state: ItemState(rawValue: row.text(0) ?? "") ?? .retrying, errCode: row.text(1), count: row.int(2),
                    amount: Amount(fen: row.int(3)), serverMessage: row.text(4))
            }
    }

    /// Requests per Beijing minute: `started_at` is ISO 8601 in +08:00, so its first 16
    /// characters name the minute. gethbinfo queries are not sends and are left out.
    private func requestMinutes(_ range: [SQLValue]) throws(LedgerError) -> [ReportSnapshot.MinuteCount] {
        try db.prepare("""
            SELECT substr(started_at, 1, 16) AS minute, SUM(outcome = 'sent'), SUM(outcome = 'failed'), COUNT(*),
                   MIN(started_at), MAX(started_at)
            FROM attempts WHERE item_id BETWEEN ? AND ? AND substr(outcome, 1, 6) <> 'query:'
            GROUP BY minute ORDER BY minute
            """).rows(range) { row -> ReportSnapshot.MinuteCount? in
                guard let minute = row.text(0).flatMap({ BeijingTime.date(fromISO8601: $0 + ":00.000+08:00") }),
                      let first = row.text(4).flatMap(BeijingTime.date(fromISO8601:)),
                      let last = row.text(5).flatMap(BeijingTime.date(fromISO8601:)) else { return nil }
                let paid = row.int(1), failed = row.int(2)
                return ReportSnapshot.MinuteCount(
                    minute: minute, paid: paid, failed: failed, other: row.int(3) - paid - failed, firstRequest: first, lastRequest: last)
            }.compactMap { $0 }
    }

    /// Claimed packets by whole minutes from send to claim. The send is the first request
    /// under the item's bill number or, when a crash left that unrecorded, the moment just
    /// before it when the number was claimed; the claim is gethbinfo's rcv_time, in whole
    /// seconds, so a claim within a second of its send can seem to precede it: minute 0. A day
    /// or more, or a time the ledger lacks, is minute 1440: the nil row.
    ///
    /// The inner query (kept apart by its LIMIT) computes each claim's minute once, and with
    /// plain arithmetic: SQLite would evaluate a reused expression again per use, and
    /// `round()` is slow enough to matter at a million rows. Times are whole milliseconds,
    /// and julianday's error is far smaller, so adding 0.6 ms before flooring puts a claim
    /// exactly a minute after its send in the next minute, and nothing earlier.
    private func claimMinutes(_ range: [SQLValue]) throws(LedgerError) -> [ReportSnapshot.ClaimCount] {
        let horizon = ClaimCurve.horizonMinutes
        return try db.prepare("""
            SELECT NULLIF(minute, \(horizon)), COUNT(*) FROM (
                SELECT MIN(COALESCE(MAX(CAST(COALESCE(julianday(received_at) - julianday(first_sent_at),
                                                      julianday(received_at) - 2440587.5 - claimed_at / 86400.0) * 1440 + 0.00001
                                             AS INTEGER), 0), \(horizon)), \(horizon)) AS minute
                FROM items WHERE id BETWEEN ? AND ? AND state = 'sent' AND packet_status = 'RECEIVED' LIMIT -1)
            GROUP BY minute ORDER BY minute
            """).rows(range) { row in
                ReportSnapshot.ClaimCount(minute: row.isNull(0) ? nil : row.int(0), count: row.int(1))
            }
    }
}
