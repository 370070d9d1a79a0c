import Foundation

/// The history of a campaign's runs: when each started, paused and ended, and how. Written
/// as the run goes (a crash leaves a run without an ending, which is itself worth showing),
/// read by the HTML report to mark pauses on its time axis.
extension Ledger {
    /// Notes a run's start; the number it returns identifies the run for its pauses and end.
    public func startRun(_ campaignID: String, at date: Date) throws(LedgerError) -> Int {
        let db = try db
        try db.prepare("INSERT INTO runs (campaign_id, started_at) VALUES (?, ?)")
            .run([.text(campaignID), .text(BeijingTime.iso8601(date))])
        return db.lastInsertRowID
    }

    public func recordPauses(_ pauses: [RunPause], run: Int) throws(LedgerError) {
        let insert = try db.prepare("INSERT INTO run_pauses (run_id, started_at, until, cause) VALUES (?, ?, ?, ?)")
        for pause in pauses {
            try insert.run([
                .integer(run), .text(BeijingTime.iso8601(pause.from)), .text(BeijingTime.iso8601(pause.until)),
                .text(pause.cause.rawValue),
            ])
        }
    }

    public func finishRun(_ run: Int, end: RunEnd, at date: Date) throws(LedgerError) {
        let columns = end.ledgerColumns
        try db.prepare("UPDATE runs SET ended_at = ?, ending = ?, err_code = ?, detail = ? WHERE id = ?").run([
            .text(BeijingTime.iso8601(date)), .text(columns.ending), columns.errCode.map(SQLValue.text) ?? .null,
            columns.detail.map(SQLValue.text) ?? .null, .integer(run),
        ])
    }

    /// The campaign's runs, oldest first, each with its pauses.
    public func runs(_ campaignID: String) throws(LedgerError) -> [RunRecord] {
        var runs = try db.prepare("""
            SELECT id, started_at, ended_at, ending, err_code, detail FROM runs WHERE campaign_id = ? ORDER BY id
            """).rows([.text(campaignID)]) { row in
                RunRecord(
                    id: row.int(0), startedAt: row.text(1).flatMap(BeijingTime.date(fromISO8601:)) ?? .distantPast,
                    endedAt: row.text(2).flatMap(BeijingTime.date(fromISO8601:)),
                    end: row.text(3).flatMap { RunEnd(ending: $0, errCode: row.text(4), detail: row.text(5)) })
            }
        let index = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1.id, $0) })
        _ = try db.prepare("""
            SELECT p.run_id, p.started_at, p.until, p.cause FROM run_pauses p JOIN runs r ON r.id = p.run_id
            WHERE r.campaign_id = ? ORDER BY p.rowid
            """).rows([.text(campaignID)]) { row in
                guard let position = index[row.int(0)],
                      let from = row.text(1).flatMap(BeijingTime.date(fromISO8601:)),
                      let until = row.text(2).flatMap(BeijingTime.date(fromISO8601:)),
                      let cause = row.text(3).flatMap(RunPause.Cause.init(rawValue:)) else { return }
                runs[position].pauses.append(RunPause(from: from, until: until, cause: cause))
            }
        return runs
    }
}

extension RunEnd {
    /// How the `runs` table spells this ending.
    var ledgerColumns: (ending: String, errCode: String?, detail: String?) {
        switch self {
        case .complete: return ("complete", nil, nil)
        case .interrupted: return ("interrupted", nil, nil)
        case .quietWindow(let until): return ("quiet_window", nil, BeijingTime.iso8601(until))
        case .merchantRefused(let reason): return ("merchant_refused", reason.code, reason.message)
        case .retriesExhausted(let items): return ("retries_exhausted", nil, String(items))
        case .needsMerchantRecords(let items): return ("needs_merchant_records", nil, String(items))
        case .dailyCaps(let items, let until): return ("daily_caps", nil, "\(items) \(BeijingTime.iso8601(until))")
        case .billNumberUnchecked(let billNumber, let reason): return ("bill_number_unchecked", billNumber.rawValue, reason)
        }
    }

    init?(ending: String, errCode: String?, detail: String?) {
        switch ending {
        case "complete": self = .complete
        case "interrupted": self = .interrupted
        case "quiet_window":
            guard let until = detail.flatMap(BeijingTime.date(fromISO8601:)) else { return nil }
            self = .quietWindow(until: until)
        case "merchant_refused": self = .merchantRefused(StopReason(code: errCode ?? "", message: detail ?? ""))
        case "retries_exhausted": self = .retriesExhausted(items: detail.flatMap { Int($0) } ?? 0)
        case "needs_merchant_records": self = .needsMerchantRecords(items: detail.flatMap { Int($0) } ?? 0)
        case "daily_caps":
            let parts = (detail ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let items = Int(parts[0]), let until = BeijingTime.date(fromISO8601: parts[1]) else { return nil }
            self = .dailyCaps(items: items, until: until)
        case "bill_number_unchecked":
            guard let billNumber = errCode.flatMap(BillNumber.init) else { return nil }
            self = .billNumberUnchecked(billNumber, reason: detail ?? "")
        default: return nil
        }
    }
}
