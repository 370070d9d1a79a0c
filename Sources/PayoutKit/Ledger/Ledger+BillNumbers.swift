import Foundation

/// The ledger's one source of new bill numbers: `claim` (an item's first number) and
/// `reissue` (a new number for an item proven unpaid) both draw from it, so no number is
/// ever handed out twice, and a merchant-wide allocator can replace it in one place.
extension Ledger {
    /// Ten million a day: more than a day at the API's 1800 a minute needs.
    static let billsPerDay = 10_000_000

    /// `count` new numbers: mch_id + the Beijing date + the ledger's 3-digit prefix + a 7-digit
    /// per-day sequence kept in the ledger, so they stay unique across campaigns and runs.
    /// Call inside the transaction that assigns them: the sequence advances with it.
    func nextBillNumbers(_ count: Int, mchID: String, now: Date) throws(LedgerError) -> [BillNumber] {
        guard count > 0 else { return [] }
        let db = try db
        let day = BeijingTime.dateStamp(now)
        try db.prepare("INSERT INTO bill_sequences (day, last) VALUES (?, 0) ON CONFLICT (day) DO NOTHING").run([.text(day)])
        let last = try db.prepare("UPDATE bill_sequences SET last = last + ? WHERE day = ? RETURNING last")
            .rows([.integer(count), .text(day)]) { $0.int(0) }.first ?? 0
        guard last < Self.billsPerDay else {
            throw LedgerError("this ledger's \(Self.billsPerDay) bill numbers for \(day) (Beijing date) are used up")
        }
        let prefix = try db.prepare("SELECT value FROM ledger_settings WHERE name = 'bill_number_prefix'")
            .rows { $0.int(0) }.first ?? 0
        return (last - count + 1...last).map { sequence in
            BillNumber(mchID: mchID, dateStamp: day, sequence: prefix * Self.billsPerDay + sequence)
        }
    }
}
