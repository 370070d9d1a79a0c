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

    /// The ledger id of the file at `path`, read without writing to it — no migration, no
    /// switch to WAL: the file is another ledger's, maybe in use by another run, maybe no
    /// longer a ledger at all. nil when it holds no ledger id (not a ledger of this release).
    static func peekLedgerID(at path: String) throws -> Int? {
        do {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            let hasSettings = try connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_settings'")
                .rows { _ in true }
            guard !hasSettings.isEmpty else { return nil }
            return try connection.prepare("SELECT value FROM ledger_settings WHERE name = 'ledger_id'").rows { $0.int(0) }.first
        } catch where error.resultCode?.primary == .notADatabase {
            return nil
        }
    }

    /// The highest serial per day and site among the numbers (current and replaced) dated
    /// `day` or later — the registry only hands out numbers of today, so older ones cannot
    /// meet them; read through the bill-number indexes, not the whole ledger — and the
    /// campaigns with their recipients' fingerprints.
    func facts(since day: String) throws -> LedgerFacts {
        let db = try db
        let numbers = try merchants().flatMap { (mchID) throws(LedgerError) in
            try db.prepare("""
                SELECT substr(bill_number, -18, 8), CAST(substr(bill_number, -10, 2) AS INTEGER),
                       MAX(CAST(substr(bill_number, -8) AS INTEGER))
                FROM (SELECT bill_number FROM items WHERE bill_number >= ?1 AND bill_number < ?2
                      UNION ALL SELECT bill_number FROM bill_history WHERE bill_number >= ?1 AND bill_number < ?2)
                GROUP BY 1, 2
                """).rows([.text(mchID + day), .text(mchID + ":")]) { (row) throws(LedgerError) in
                    LedgerFacts.Used(day: try row.requiredText(0, of: "a bill number"), site: row.int(1), serial: row.int(2))
                }
        }
        let campaigns = try db.prepare("SELECT id, recipients_sha256, COALESCE(endpoint, '') FROM campaigns")
            .rows { (row) throws(LedgerError) in
                LedgerFacts.Campaign(id: try row.requiredText(0, of: "a campaign"), recipientsFingerprint: row.text(1) ?? "",
                                     endpoint: row.text(2) ?? "")
            }
        return LedgerFacts(id: try ledgerID(), path: RunLock.canonical(path), highestNumbers: numbers, campaigns: campaigns)
    }
}
