import Foundation

/// Reconcile's side of the ledger: the sent packets still to ask about, what each answer
/// proved, and the campaign's packet figures. Nothing here changes an item's state or bill
/// number; a settled packet is never selected again, and the schema refuses to change it.
extension Ledger {
    /// A sent item whose packet's fate is not known yet: neither claimed (RECEIVED) nor back
    /// with the merchant (REFUND).
    private static let unsettledPacket = """
        state = 'sent' AND (packet_status IS NULL OR (packet_status <> 'RECEIVED' AND packet_status <> 'REFUND'))
        """

    /// The next `limit` sent items after `cursor` whose packet is not settled, in CSV order.
    public func unsettledPackets(_ campaign: CampaignRecord, after cursor: Int, limit: Int) throws(LedgerError) -> [SentPacket] {
        try db.prepare("""
            SELECT id, line, openid, amount, bill_number FROM items
            WHERE id > ? AND id <= ? AND \(Self.unsettledPacket) ORDER BY id LIMIT ?
            """).rows([.integer(cursor), .integer(campaign.itemIDs.upperBound), .integer(limit)]) { (row) throws(LedgerError) in
                let id = row.int(0)
                let billText = try row.requiredText(4, of: "item \(id)")
                guard let billNumber = BillNumber(billText) else {
                    throw LedgerError("ledger: item \(id) has a malformed bill number \(billText)")
                }
                return SentPacket(
                    itemID: id, line: row.int(1), openid: try row.requiredText(2, of: "item \(id)"),
                    amount: Amount(fen: row.int(3)), billNumber: billNumber)
            }
    }

    /// Commits what one answer proved: a consistent record on the item, a contradiction beside
    /// it (first and last seen), nothing for an answer that proved nothing.
    public func record(_ finding: PacketFinding, for packet: SentPacket, at now: Date) throws(LedgerError) {
        switch finding {
        case .observed(let record):
            try recordPacket(record, for: packet)
        case .discrepancy(let status, let detail):
            try db.prepare("""
                INSERT INTO discrepancies (item_id, bill_number, status, detail, first_seen_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?5, ?5)
                ON CONFLICT (item_id, bill_number) DO UPDATE SET
                    status = excluded.status, detail = excluded.detail, last_seen_at = excluded.last_seen_at
                """).run([
                    .integer(packet.itemID), .text(packet.billNumber.rawValue), .text(status.rawValue), .text(detail),
                    .text(BeijingTime.iso8601(now)),
                ])
        case .unanswered, .throttled, .stop:
            break
        }
    }

    /// Only an unsettled sent item under this very bill number is updated: anything else
    /// means the ledger changed behind reconcile's back, and is an error, never a guess.
    private func recordPacket(_ record: HongbaoRecord, for packet: SentPacket) throws(LedgerError) {
        let db = try db
        try db.prepare("""
            UPDATE items SET packet_status = ?, received_at = ?, refunded_at = ?, refund_amount = ?
            WHERE id = ? AND bill_number = ? AND \(Self.unsettledPacket)
            """).run([
                .text(record.status.rawValue), record.receivedAt.map { .text(BeijingTime.iso8601($0)) } ?? .null,
                record.refundedAt.map { .text(BeijingTime.iso8601($0)) } ?? .null,
                record.refundAmount.map { .integer($0.fen) } ?? .null,
                .integer(packet.itemID), .text(packet.billNumber.rawValue),
            ])
        guard db.changes == 1 else {
            throw LedgerError("item \(packet.itemID) with bill number \(packet.billNumber) is no longer an unsettled sent packet")
        }
    }

    /// A pass that went through every unsettled packet: what `status` shows as last reconciled.
    public func markReconciled(_ campaign: CampaignRecord, at date: Date) throws(LedgerError) {
        try db.prepare("UPDATE campaigns SET reconciled_at = ? WHERE id = ?")
            .run([.text(BeijingTime.iso8601(date)), .text(campaign.id)])
    }

    public func packetSummary(_ campaignID: String) throws(LedgerError) -> PacketSummary {
        try packetSummary(of: try requireCampaign(campaignID))
    }

    func packetSummary(of campaign: CampaignRecord) throws(LedgerError) -> PacketSummary {
        let range = Self.range(campaign)
        var summary = PacketSummary()
        _ = try db.prepare("""
            SELECT CASE WHEN packet_status IS NULL THEN 'SENT' ELSE packet_status END AS status, COUNT(*),
                   SUM(amount), SUM(COALESCE(refund_amount, 0)), SUM(packet_status IS NOT NULL)
            FROM items WHERE id BETWEEN ? AND ? AND state = 'sent' GROUP BY status
            """).rows(range) { row in
                let tally = PacketSummary.Tally(count: row.int(1), amount: Amount(fen: row.int(2)))
                summary.sent.count += tally.count
                summary.sent.amount = summary.sent.amount + tally.amount
                summary.answered += row.int(4)
                switch row.text(0) {
                case HongbaoRecord.Status.received.rawValue: summary.claimed = tally
                case HongbaoRecord.Status.refunding.rawValue: summary.refunding = tally
                case HongbaoRecord.Status.refunded.rawValue:
                    summary.refunded = PacketSummary.Tally(count: tally.count, amount: Amount(fen: row.int(3)))
                default: summary.notYetClaimed = tally
                }
            }
        summary.discrepancies = try count("""
            SELECT COUNT(*) FROM discrepancies d JOIN items i ON i.id = d.item_id AND i.bill_number = d.bill_number
            WHERE d.item_id BETWEEN ? AND ?
            """, range)
        summary.reissued = try count("SELECT COUNT(DISTINCT item_id) FROM bill_history WHERE item_id BETWEEN ? AND ?", range)
        summary.lastReconciled = try db.prepare("SELECT reconciled_at FROM campaigns WHERE id = ?")
            .rows([.text(campaign.id)]) { $0.text(0).flatMap(BeijingTime.date(fromISO8601:)) }.first ?? nil
        return summary
    }

    private func count(_ sql: String, _ values: [SQLValue]) throws(LedgerError) -> Int {
        try db.prepare(sql).rows(values) { $0.int(0) }.first ?? 0
    }
}
