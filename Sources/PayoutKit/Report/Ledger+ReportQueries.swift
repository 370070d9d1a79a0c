import Foundation

/// The HTML report's queries. SQLite aggregates on the ledger's own executor — by state and
/// err_code, and by minute — so a million-row campaign reads back as a few hundred rows.
extension Ledger {
    /// Longest err_code and server message the report shows: they come from the server, and
    /// a hostile one must not be able to inflate the page.
    static let reportCodeLength = 64
    static let reportMessageLength = 200

    public func reportSnapshot(_ campaignID: String) throws(LedgerError) -> ReportSnapshot {
        guard let campaign = try campaign(campaignID) else {
            throw LedgerError("campaign \(campaignID) is not in the ledger \(path)")
        }
        let range: [SQLValue] = [.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)]
        return ReportSnapshot(
            campaign: campaign, outcomes: try outcomeGroups(range), minutes: try requestMinutes(range), runs: try runs(campaignID))
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
}
