/// Read-only views for checking a ledger against the payment record of the server:
/// what the soak script and the end-to-end tests compare.
extension Ledger {
    public struct ItemSnapshot: Sendable, Equatable {
        public var id: Int
        public var line: Int
        public var openid: String
        public var amount: Amount
        public var state: ItemState
        public var billNumber: String?
        public var sendListID: String?
        public var attempts: Int
        public var errCode: String?
        /// What reconcile recorded of the packet: status, and times as ISO 8601 in +08:00.
        public var packetStatus: String?
        public var receivedAt: String?
        public var refundedAt: String?
        public var refundAmount: Int?
    }

    public func items(_ campaignID: String) throws -> [ItemSnapshot] {
        guard let campaign = try campaign(campaignID) else { return [] }
        return try db.prepare("""
            SELECT id, line, openid, amount, state, bill_number, send_listid, attempts, err_code,
                   packet_status, received_at, refunded_at, refund_amount FROM items
            WHERE id BETWEEN ? AND ? ORDER BY id
            """).rows([.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)]) { row in
                ItemSnapshot(
                    id: row.int(0), line: row.int(1), openid: row.text(2) ?? "", amount: Amount(fen: row.int(3)),
                    state: ItemState(rawValue: row.text(4) ?? "") ?? .pending, billNumber: row.text(5),
                    sendListID: row.text(6), attempts: row.int(7), errCode: row.text(8), packetStatus: row.text(9),
                    receivedAt: row.text(10), refundedAt: row.text(11), refundAmount: row.isNull(12) ? nil : row.int(12))
            }
    }

    /// The bill number each recorded request carried, per item, in order.
    public func attemptBillNumbers(_ campaignID: String) throws -> [Int: [String]] {
        guard let campaign = try campaign(campaignID) else { return [:] }
        var result: [Int: [String]] = [:]
        _ = try db.prepare("""
            SELECT item_id, bill_number FROM attempts WHERE item_id BETWEEN ? AND ? ORDER BY id
            """).rows([.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)]) { row in
                result[row.int(0), default: []].append(row.text(1) ?? "")
            }
        return result
    }

    /// Each reissued item's earlier bill numbers, oldest first: with the current ones, every
    /// number an item was ever sent under — what "paid at most once" is checked across.
    public func previousBillNumbers(_ campaignID: String) throws -> [Int: [String]] {
        guard let campaign = try campaign(campaignID) else { return [:] }
        var result: [Int: [String]] = [:]
        _ = try db.prepare("SELECT item_id, bill_number FROM bill_history WHERE item_id BETWEEN ? AND ? ORDER BY id")
            .rows([.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)]) { row in
                result[row.int(0), default: []].append(row.text(1) ?? "")
            }
        return result
    }
}
