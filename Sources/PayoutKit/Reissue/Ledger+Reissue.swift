import Foundation

/// Reissue's side of the ledger: the plan shown to the operator, and the one transition
/// that gives an item a new bill number.
extension Ledger {
    public func reissuePlan(_ campaign: CampaignRecord, selection: ReissueSelection, budget: Amount?) throws(LedgerError) -> ReissuePlan {
        let (condition, values) = selection.condition
        let range = Self.range(campaign)
        let groups = try db.prepare("""
            SELECT CASE WHEN state = 'failed' THEN err_code ELSE 'REFUND' END AS label, COUNT(*), SUM(amount)
            FROM items WHERE id BETWEEN ? AND ? AND \(condition) GROUP BY label ORDER BY COUNT(*) DESC, label
            """).rows(range + values) { row in
                ReissuePlan.Group(label: row.text(0) ?? "", count: row.int(1), amount: Amount(fen: row.int(2)))
            }
        return ReissuePlan(
            groups: groups, excluded: try reissueExclusions(range, selection: selection),
            itemIDs: try reissueSelection(range, selection: selection), committed: try committedAmount(range), budget: budget)
    }

    private func reissueSelection(_ range: [SQLValue], selection: ReissueSelection) throws(LedgerError) -> [Int] {
        let (condition, values) = selection.condition
        return try db.prepare("SELECT id FROM items WHERE id BETWEEN ? AND ? AND \(condition) ORDER BY id")
            .rows(range + values) { $0.int(0) }
    }

    /// Everything not selected, grouped by what it is, then by the reason it stays.
    private func reissueExclusions(_ range: [SQLValue], selection: ReissueSelection) throws(LedgerError) -> [ReissuePlan.Group] {
        let (condition, values) = selection.condition
        var reasons: [String: ReissuePlan.Group] = [:]
        _ = try db.prepare("""
            SELECT state, CASE WHEN state = 'failed' THEN err_code END AS code,
                   CASE WHEN state = 'sent' THEN packet_status END AS packet, COUNT(*), SUM(amount),
                   state = 'failed' AND instr(COALESCE(err_code_des, ''), '\(ErrorCode.expiredBillNumberMessage)') > 0 AS expired
            FROM items WHERE id BETWEEN ? AND ? AND NOT \(condition) GROUP BY state, code, packet, expired
            """).rows(range + values) { row in
                guard let state = ItemState(rawValue: row.text(0) ?? ""),
                      let reason = row.int(5) == 1 ? ReissuePlan.expiredAnswer : ReissuePlan.exclusion(
                          state: state, errCode: row.text(1), packetStatus: row.text(2), selection: selection) else { return }
                var group = reasons[reason] ?? ReissuePlan.Group(label: reason, count: 0, amount: .zero)
                group.count += row.int(3)
                group.amount = group.amount + Amount(fen: row.int(4))
                reasons[reason] = group
            }
        return reasons.values.sorted { ($1.count, $0.label) < ($0.count, $1.label) }
    }

    /// What the campaign has paid, net of refunds and including the packets of earlier bill
    /// numbers, plus what it may still pay (items not final): what the budget must cover.
    private func committedAmount(_ range: [SQLValue]) throws(LedgerError) -> Amount {
        let current = try db.prepare("""
            SELECT COALESCE(SUM(CASE WHEN state = 'sent' THEN amount - COALESCE(refund_amount, 0)
                                     WHEN state = 'failed' THEN 0 ELSE amount END), 0)
            FROM items WHERE id BETWEEN ? AND ?
            """).rows(range) { $0.int(0) }.first ?? 0
        let earlier = try db.prepare("""
            SELECT COALESCE(SUM(i.amount - COALESCE(h.refund_amount, 0)), 0)
            FROM bill_history h JOIN items i ON i.id = h.item_id WHERE h.item_id BETWEEN ? AND ? AND h.state = 'sent'
            """).rows(range) { $0.int(0) }.first ?? 0
        return Amount(fen: current + earlier)
    }

    /// THE reissue transition, the only change of a bill number once set. For each item of
    /// `plan` — re-selected here, and refused unless it is exactly the plan — in one
    /// transaction: the item's current number and what it proved (state, err_code, message,
    /// send_listid, attempts, times, packet status, refund) go into `bill_history` with the
    /// new number, one of `numbers` (from the merchant registry, like `claim`'s); then the item becomes
    /// `pending` under the new number with attempts 0, its error, send_listid, times,
    /// `claimed_at` and packet facts cleared (the new number ages from its first request,
    /// which `record` stamps). These are `ItemTransition.reissueUnpaid` (from `failed`, a
    /// code that proves non-payment) and `ItemTransition.reissueRefunded` (from `sent` with
    /// packet REFUND); the schema's triggers refuse any other change of a bill number or
    /// final state.
    public func reissue(
        _ campaign: CampaignRecord, plan: ReissuePlan, selection: ReissueSelection, numbers billNumbers: [BillNumber], now: Date
    ) throws -> Int {
        guard billNumbers.count >= plan.itemIDs.count else {
            throw LedgerError("ledger: \(plan.itemIDs.count) items to reissue but only \(billNumbers.count) new bill numbers")
        }
        let db = try db
        return try db.transaction {
            let range = Self.range(campaign)
            guard try reissueSelection(range, selection: selection) == plan.itemIDs else { throw ReissueRefusal.selectionChanged }
            let committed = try committedAmount(range)
            if let budget = plan.budget, committed + plan.total.amount > budget {
                throw ReissueRefusal.overBudget(committed: committed, selected: plan.total.amount, budget: budget)
            }
            let keep = try db.prepare("""
                INSERT INTO bill_history (item_id, bill_number, replaced_by, state, err_code, err_code_des, send_listid, attempts,
                    first_sent_at, last_attempt_at, packet_status, refunded_at, refund_amount, replaced_at, reason)
                SELECT id, bill_number, ?1, state, err_code, err_code_des, send_listid, attempts, first_sent_at, last_attempt_at,
                    packet_status, refunded_at, refund_amount, ?2,
                    CASE WHEN state = '\(ItemTransition.reissueUnpaid.from)' THEN 'proven unpaid: ' || err_code
                         ELSE 'refunded unclaimed: paid again (--refunded)' END
                FROM items WHERE id = ?3
                """)
            let renew = try db.prepare("""
                UPDATE items SET bill_number = ?1, state = '\(ItemTransition.reissueUnpaid.to)', attempts = 0, err_code = NULL,
                    err_code_des = NULL, send_listid = NULL, first_sent_at = NULL, last_attempt_at = NULL, next_attempt_at = NULL,
                    claimed_at = NULL, packet_status = NULL, received_at = NULL, refunded_at = NULL, refund_amount = NULL
                WHERE id = ?3 AND state IN (\(Self.reissuableStates))
                  AND bill_number = (SELECT bill_number FROM bill_history WHERE replaced_by = ?1)
                """)
            for (itemID, billNumber) in zip(plan.itemIDs, billNumbers) {
                try keep.run([.text(billNumber.rawValue), .text(BeijingTime.iso8601(now)), .integer(itemID)])
                try renew.run([.text(billNumber.rawValue), .null, .integer(itemID)])
                guard db.changes == 1 else { throw LedgerError("item \(itemID) was not given its new bill number \(billNumber)") }
            }
            return plan.itemIDs.count
        }
    }

    /// The states `reissue` takes items from, as an SQL list: those of its transitions in
    /// `ItemTransition.all` (whose target is `reissueUnpaid.to`, `pending`, for both).
    private static let reissuableStates = ItemTransition.reissues.map { "'\($0.from)'" }.sorted().joined(separator: ", ")
}
