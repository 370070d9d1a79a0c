import Foundation

/// What each recipient may still receive today across the merchant's campaigns. An item is
/// charged to the day it is admitted, before it gets its bill number or (holding a number
/// never sent) on the day it is sent, and stays charged whatever becomes of it: a crash or a
/// failure only counts more. The server's SENDNUM_LIMIT and RCVDAMOUNT_LIMIT remain the last
/// word.
extension MerchantRegistry {
    /// The items of `candidates` (in order) that fit within `caps` for `day`, charged in one
    /// transaction. An item charged already today (admitted before a crash) is admitted again
    /// without a second charge.
    func admit(_ candidates: [UnclaimedItem], ledger: Int, day: String, caps: DailyCaps) throws -> [UnclaimedItem] {
        let db = try db
        return try db.transaction { () throws -> [UnclaimedItem] in
            let charged = try db.prepare("SELECT 1 FROM charges WHERE ledger_id = ? AND item_id = ? AND day = ?")
            let today = try db.prepare("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM charges WHERE day = ? AND openid = ?")
            let charge = try db.prepare("INSERT INTO charges (ledger_id, item_id, day, openid, amount) VALUES (?, ?, ?, ?, ?)")
            return try candidates.filter { item in
                let chargedBefore = try charged.rows([.integer(ledger), .integer(item.id), .text(day)]) { _ in true }
                if !chargedBefore.isEmpty { return true }
                let (count, amount) = try today.rows([.text(day), .text(item.openid)]) { ($0.int(0), $0.int(1)) }.first ?? (0, 0)
                guard count + 1 <= caps.count, amount + item.amount.fen <= caps.amount.fen else { return false }
                try charge.run([.integer(ledger), .integer(item.id), .text(day), .text(item.openid), .integer(item.amount.fen)])
                return true
            }
        }
    }
}
