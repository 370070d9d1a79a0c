import Foundation

/// A campaign is paid from one ledger only: the registry refuses a campaign id another ledger
/// of the merchant holds, and a recipients file identical to another campaign's, unless the
/// manifest names that campaign in `repeat_of`. Sandbox campaigns pay nothing real: they are
/// listed, but neither refused nor a reason to refuse.
extension MerchantRegistry {
    public struct Entry: Sendable, Equatable {
        public var campaign: String
        public var ledgerID: Int
        public var ledgerPath: String
        public var endpoint: String
        public var repeatOf: String?
    }

    /// Records `campaign` for the ledger before it is imported there — check and record in
    /// one transaction, so two processes importing it into two ledgers cannot both pass.
    /// Throws `InputError` naming the other campaign and its ledger; `repeat_of` waives only
    /// an identical recipients file, never the same campaign id. True when this call recorded
    /// it (false: its rows are in this ledger already).
    func register(
        _ campaign: String, ledger: Int, ledgerPath: String, recipientsFingerprint: String, endpoint: String,
        repeatOf: String?, manifest: String, now: Date
    ) throws -> Bool {
        let db = try db
        return try db.transaction { () throws -> Bool in
            try db.prepare("INSERT INTO ledgers (id, path, learned_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path")
                .run([.integer(ledger), .text(ledgerPath), .text(BeijingTime.iso8601(now))])
            let known = try db.prepare("SELECT imported FROM campaigns WHERE ledger_id = ? AND campaign = ?")
                .rows([.integer(ledger), .text(campaign)]) { $0.int(0) == 1 }
            if known == [true] { return false }
            // Left by an import into this ledger that died before its rows: checked again, as
            // the manifest may have changed since (its list, its endpoint, its repeat_of).
            try db.prepare("DELETE FROM campaigns WHERE ledger_id = ? AND campaign = ? AND imported = 0")
                .run([.integer(ledger), .text(campaign)])
            // A new ledger whose import died before its file was linked into place leaves a
            // registration no ledger holds; the next attempt at the same path replaces it.
            try db.prepare("""
                DELETE FROM campaigns WHERE imported = 0 AND ledger_id IN (SELECT id FROM ledgers WHERE path = ? AND id <> ?)
                """).run([.text(ledgerPath), .integer(ledger)])
            if endpoint != CampaignBinding.sandbox,
               let clash = try clashes(campaign, ledger: ledger, recipientsFingerprint: recipientsFingerprint)
                   .first(where: { !($0.kind == .sameRecipients && $0.entry.campaign == repeatOf) }) {
                throw InputError(file: manifest, line: nil, message: clash.message(for: campaign))
            }
            try db.prepare("""
                INSERT INTO campaigns (ledger_id, campaign, recipients_sha256, endpoint, repeat_of, registered_at, imported)
                VALUES (?, ?, ?, ?, ?, ?, 0)
                """).run([.integer(ledger), .text(campaign), .text(recipientsFingerprint), .text(endpoint),
                          repeatOf.map(SQLValue.text) ?? .null, .text(BeijingTime.iso8601(now))])
            return true
        }
    }

    /// The campaign's rows are in its ledger: from now on its registration is never replaced.
    func markImported(_ campaign: String, ledger: Int) throws {
        try db.prepare("UPDATE campaigns SET imported = 1 WHERE ledger_id = ? AND campaign = ?").run([.integer(ledger), .text(campaign)])
    }

    /// Forgets a registration whose import did not happen (bad input): the campaign may then
    /// be imported elsewhere.
    func unregister(_ campaign: String, ledger: Int) throws {
        try db.prepare("DELETE FROM campaigns WHERE ledger_id = ? AND campaign = ? AND imported = 0")
            .run([.integer(ledger), .text(campaign)])
    }

    private struct Clash {
        enum Kind { case sameID, sameRecipients }
        var kind: Kind
        var entry: Entry

        func message(for campaign: String) -> String {
            let refusal = "a campaign is paid from one ledger only (importing it again would pay everyone twice)"
            switch kind {
            case .sameID:
                return "the campaign id \(campaign) is already imported into the ledger \(entry.ledgerPath): \(refusal); "
                    + "to go on paying it, run it with --ledger \(entry.ledgerPath)"
            case .sameRecipients:
                return "a recipients file identical to this one is already imported as campaign \(entry.campaign) into the ledger "
                    + "\(entry.ledgerPath): \(refusal); to pay the same list again on purpose, add `repeat_of: \(entry.campaign)` "
                    + "to the manifest"
            }
        }
    }

    /// Every registration `campaign` would clash with, oldest first.
    private func clashes(_ campaign: String, ledger: Int, recipientsFingerprint: String) throws -> [Clash] {
        try db.prepare("""
            SELECT c.campaign, c.ledger_id, l.path, c.endpoint, c.repeat_of, c.campaign = ?1
            FROM campaigns c JOIN ledgers l ON l.id = c.ledger_id
            WHERE c.endpoint <> 'sandbox'
              AND ((c.campaign = ?1 AND c.ledger_id <> ?2) OR (c.recipients_sha256 = ?3 AND c.campaign <> ?1))
            ORDER BY c.registered_at
            """).rows([.text(campaign), .integer(ledger), .text(recipientsFingerprint)]) { (row) throws(LedgerError) in
                Clash(kind: row.int(5) == 1 ? .sameID : .sameRecipients, entry: try Self.entry(row))
            }
    }

    private static func entry(_ row: Statement) throws(LedgerError) -> Entry {
        Entry(campaign: try row.requiredText(0, of: "a registered campaign"), ledgerID: row.int(1),
              ledgerPath: try row.requiredText(2, of: "a registered ledger"),
              endpoint: try row.requiredText(3, of: "a registered campaign"), repeatOf: row.text(4))
    }

    /// Every campaign of the merchant, in the order they were registered.
    public func entries() throws -> [Entry] {
        try db.prepare("""
            SELECT c.campaign, c.ledger_id, l.path, c.endpoint, c.repeat_of
            FROM campaigns c JOIN ledgers l ON l.id = c.ledger_id ORDER BY c.registered_at, c.campaign, c.ledger_id
            """).rows([], Self.entry)
    }
}
