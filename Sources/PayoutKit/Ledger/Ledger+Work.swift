import Foundation

/// The run's side of the ledger: finding work, committing bill numbers before requests,
/// and recording every request's outcome.
extension Ledger: RunLedger {
    private static let itemColumns =
        "id, line, openid, amount, bill_number, state, attempts, next_attempt_at, err_code, claimed_at, first_sent_at"

    /// A row of `itemColumns` read back; one that does not read as it was written (edited
    /// behind payout's back) is an error naming it, never a guess.
    private static func workItem(_ row: Statement) throws(LedgerError) -> WorkItem {
        let id = row.int(0)
        let billText = try row.requiredText(4, of: "item \(id)")
        guard let billNumber = BillNumber(billText) else {
            throw LedgerError("ledger: item \(id) has a malformed bill number \(billText)")
        }
        let stateText = try row.requiredText(5, of: "item \(id)")
        guard let state = ItemState(rawValue: stateText) else {
            throw LedgerError("ledger: item \(id) has an unknown state \(stateText)")
        }
        let claimedAt = row.isNull(9) ? nil : Date(timeIntervalSince1970: row.double(9))
        return WorkItem(
            id: id, line: row.int(1), openid: try row.requiredText(2, of: "item \(id)"), amount: Amount(fen: row.int(3)),
            billNumber: billNumber, state: state, attempts: row.int(6),
            nextAttemptAt: row.isNull(7) ? nil : Date(timeIntervalSince1970: row.double(7)), lastErrCode: row.text(8),
            firstRequestAt: claimedAt ?? row.text(10).flatMap(BeijingTime.date(fromISO8601:)))
    }

    /// Read through the partial index `items_open` (Schema), whose condition this repeats
    /// word for word: a resumed million-row run finds its few carried items without a scan.
    static let carriedItems = """
        SELECT \(itemColumns) FROM items WHERE id BETWEEN ? AND ?
          AND (state IN ('sending', 'retrying') OR (state = 'pending' AND bill_number IS NOT NULL))
        ORDER BY id
        """

    /// Items a crash or an earlier run left with a bill number and no final outcome, and where
    /// the never-tried items begin.
    public func openWork(_ campaignID: String) throws -> OpenWork {
        let campaign = try requireCampaign(campaignID)
        let range = Self.range(campaign)
        let carried = try db.prepare(Self.carriedItems).rows(range, Self.workItem)
        let first = try db.prepare("""
            SELECT MIN(id) FROM items WHERE id BETWEEN ? AND ? AND state = 'pending' AND bill_number IS NULL
            """).rows(range) { $0.isNull(0) ? nil : $0.int(0) }.first ?? nil
        return OpenWork(
            carried: carried, pendingCursor: (first ?? campaign.itemIDs.upperBound + 1) - 1,
            lastItemID: campaign.itemIDs.upperBound, status: try tallies(of: campaign))
    }

    /// The next never-tried items after `cursor`, in CSV order.
    public func unclaimed(_ campaignID: String, after cursor: Int, limit: Int) throws -> [UnclaimedItem] {
        let campaign = try requireCampaign(campaignID)
        return try db.prepare("""
            SELECT id, line, openid, amount, attempts FROM items
            WHERE id > ? AND id <= ? AND state = '\(ItemTransition.claim.from)' AND bill_number IS NULL ORDER BY id LIMIT ?
            """).rows([.integer(cursor), .integer(campaign.itemIDs.upperBound), .integer(limit)]) { (row) throws(LedgerError) in
                UnclaimedItem(id: row.int(0), line: row.int(1), openid: try row.requiredText(2, of: "item \(row.int(0))"),
                              amount: Amount(fen: row.int(3)), attempts: row.int(4))
            }
    }

    /// Gives `items` the bill numbers `numbers` (one each, in order) and marks them `sending`,
    /// committed before any of them is sent. An item that is no longer never-tried is refused
    /// and nothing is claimed: a number is never given to an item that has one.
    public func claim(_ items: [UnclaimedItem], numbers: [BillNumber], now: Date) throws -> [WorkItem] {
        guard !items.isEmpty else { return [] }
        guard numbers.count >= items.count else {
            throw LedgerError("ledger: \(items.count) items to claim but only \(numbers.count) bill numbers")
        }
        let db = try db
        return try db.transaction { () throws -> [WorkItem] in
            let assign = try db.prepare("""
                UPDATE items SET bill_number = ?, state = '\(ItemTransition.claim.to)', claimed_at = ?
                WHERE id = ? AND state = '\(ItemTransition.claim.from)' AND bill_number IS NULL
                """)
            return try zip(items, numbers).map { item, billNumber in
                try assign.run([.text(billNumber.rawValue), .real(now.timeIntervalSince1970), .integer(item.id)])
                guard db.changes == 1 else {
                    throw LedgerError("ledger: item \(item.id) is no longer never-tried: not given bill number \(billNumber)")
                }
                return WorkItem(
                    id: item.id, line: item.line, openid: item.openid, amount: item.amount, billNumber: billNumber,
                    state: ItemTransition.claim.to, attempts: item.attempts, nextAttemptAt: nil, lastErrCode: nil,
                    firstRequestAt: now)
            }
        }
    }

    /// Items claimed but never sent when a run stops go back to `pending`, keeping the bill
    /// numbers they were given: the next run sends them under those numbers.
    public func release(_ items: [WorkItem]) throws {
        guard !items.isEmpty else { return }
        let db = try db
        try db.transaction {
            let statement = try db.prepare("""
                UPDATE items SET state = '\(ItemTransition.release.to)', claimed_at = NULL
                WHERE id = ? AND state = '\(ItemTransition.release.from)' AND attempts = 0
                """)
            for item in items {
                try statement.run([.integer(item.id)])
            }
        }
    }

    /// The `claim` transition for an item that keeps its number: a crash during the request
    /// then leaves it "maybe on the wire" — spaced, counted against the quota, and aged from
    /// now — as it leaves a freshly claimed item, not looking never sent.
    public func markSending(_ item: WorkItem, now: Date) throws -> WorkItem {
        let db = try db
        try db.prepare("""
            UPDATE items SET state = '\(ItemTransition.claim.to)', claimed_at = ?
            WHERE id = ? AND state = '\(ItemTransition.claim.from)' AND bill_number = ?
            """).run([.real(now.timeIntervalSince1970), .integer(item.id), .text(item.billNumber.rawValue)])
        guard db.changes == 1 else {
            throw LedgerError("ledger: item \(item.id) is no longer pending under bill number \(item.billNumber): not sent")
        }
        var marked = item
        marked.state = ItemTransition.claim.to
        marked.firstRequestAt = now
        return marked
    }

    /// When the last `limit` requests of this ledger's merchant started: a new run honours
    /// the per-minute quota across the end of the previous one (crashed or not).
    public func recentRequestStarts(limit: Int) throws -> [Date] {
        try db.prepare("SELECT started_at FROM attempts ORDER BY id DESC LIMIT ?").rows([.integer(limit)]) { row in
            row.text(0).flatMap(BeijingTime.date(fromISO8601:))
        }.compactMap { $0 }
    }

    /// Writes a batch of requests and their effect on items, in one transaction. An outcome
    /// for a bill number the item does not hold, or a change of state `ItemTransition.all`
    /// does not list, is refused and nothing of the batch is written.
    public func record(_ records: [AttemptRecord]) throws {
        guard !records.isEmpty else { return }
        let db = try db
        try db.transaction {
            let current = try db.prepare("SELECT state FROM items WHERE id = ? AND bill_number = ?")
            let insert = try db.prepare("""
                INSERT INTO attempts (item_id, bill_number, started_at, outcome, err_code, err_code_des, detail, latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let update = try db.prepare("""
                UPDATE items SET state = ?, err_code = COALESCE(?, err_code), err_code_des = COALESCE(?, err_code_des),
                    send_listid = COALESCE(?, send_listid), attempts = attempts + ?,
                    first_sent_at = COALESCE(first_sent_at, ?), last_attempt_at = ?, next_attempt_at = ?,
                    claimed_at = COALESCE(claimed_at, ?)
                WHERE id = ? AND bill_number = ?
                """)
            for record in records {
                let key: [SQLValue] = [.integer(record.itemID), .text(record.billNumber.rawValue)]
                guard let state = try current.rows(key, { $0.text(0) }).first else {
                    throw LedgerError("item \(record.itemID) with bill number \(record.billNumber) is not in the ledger")
                }
                guard let from = ItemState(rawValue: state ?? "") else {
                    throw LedgerError("ledger: item \(record.itemID) has an unknown state \(state ?? "NULL")")
                }
                try ItemTransition.checkAnswer(item: record.itemID, from: from, to: record.newState)
                let started = BeijingTime.iso8601(record.startedAt)
                let outcome = record.kind == .send ? record.outcome : "query:\(record.outcome)"
                try insert.run([
                    .integer(record.itemID), .text(record.billNumber.rawValue), .text(started), .text(outcome),
                    record.errCode.map(SQLValue.text) ?? .null, record.errCodeDescription.map(SQLValue.text) ?? .null,
                    record.detail.map(SQLValue.text) ?? .null, .integer(record.latency.milliseconds),
                ])
                let isSend = record.kind == .send
                try update.run([
                    .text(record.newState.rawValue), record.errCode.map(SQLValue.text) ?? .null,
                    record.errCodeDescription.map(SQLValue.text) ?? .null,
                    record.sendListID.flatMap { $0.isEmpty ? nil : SQLValue.text($0) } ?? .null,
                    .integer(isSend ? 1 : 0), isSend ? .text(started) : .null, .text(started),
                    record.nextAttemptAt.map { .real($0.timeIntervalSince1970) } ?? .null,
                    // A reissued number's age starts at its first request, which this is.
                    isSend ? .real(record.startedAt.timeIntervalSince1970) : .null,
                ] + key)
            }
        }
    }
}
