import Foundation

/// What the merchant registry needs of a ledger: its id, and — the first time the registry
/// meets it — the numbers it has used and the campaigns it holds.
extension Ledger {
    /// The random id the schema gave the ledger: the same whatever path opens it.
    public func ledgerID() throws -> Int {
        let ids = try db.prepare("SELECT value FROM ledger_settings WHERE name = 'ledger_id'").rows { $0.int(0) }
        guard let id = ids.first else {
            throw LedgerError("ledger \(path) has no ledger_id setting")
        }
        return id
    }

    /// One pass over every bill number the ledger ever used (current and replaced), the
    /// highest serial per day and site, and the campaigns with their recipients' fingerprints.
    func facts() throws -> LedgerFacts {
        let db = try db
        let numbers = try db.prepare("""
            SELECT substr(bill_number, -18, 8), CAST(substr(bill_number, -10, 2) AS INTEGER),
                   MAX(CAST(substr(bill_number, -8) AS INTEGER))
            FROM (SELECT bill_number FROM items WHERE bill_number IS NOT NULL UNION ALL SELECT bill_number FROM bill_history)
            GROUP BY 1, 2
            """).rows { (row) throws(LedgerError) in
                LedgerFacts.Used(day: try row.requiredText(0, of: "a bill number"), site: row.int(1), serial: row.int(2))
            }
        let campaigns = try db.prepare("SELECT id, recipients_sha256, COALESCE(endpoint, '') FROM campaigns")
            .rows { (row) throws(LedgerError) in
                LedgerFacts.Campaign(id: try row.requiredText(0, of: "a campaign"), recipientsFingerprint: row.text(1) ?? "",
                                     endpoint: row.text(2) ?? "")
            }
        return LedgerFacts(id: try ledgerID(), path: RunLock.canonical(path), highestNumbers: numbers, campaigns: campaigns)
    }
}
