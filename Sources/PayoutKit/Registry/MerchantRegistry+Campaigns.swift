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
        public var registeredAt: String
    }

    /// Records `campaign` for the ledger before it is imported there — check and record in
    /// one transaction, so two processes importing it into two ledgers cannot both pass.
    /// Throws `InputError` naming the other campaign and its ledger.
    func register(
        _ campaign: String, ledger: Int, ledgerPath: String, recipientsFingerprint: String, endpoint: String,
        repeatOf: String?, manifest: String, now: Date
    ) throws {
        let db = try db
        try db.transaction {
            try db.prepare("INSERT INTO ledgers (id, path, learned_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path")
                .run([.integer(ledger), .text(ledgerPath), .text(BeijingTime.iso8601(now))])
            if endpoint != CampaignBinding.sandbox,
               let clash = try clash(campaign, ledger: ledger, recipientsFingerprint: recipientsFingerprint),
               clash.entry.campaign != repeatOf {
                throw InputError(file: manifest, line: nil, message: clash.message(for: campaign))
            }
            try db.prepare("""
                INSERT INTO campaigns (ledger_id, campaign, recipients_sha256, endpoint, repeat_of, registered_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ledger_id, campaign) DO NOTHING
                """).run([.integer(ledger), .text(campaign), .text(recipientsFingerprint), .text(endpoint),
                          repeatOf.map(SQLValue.text) ?? .null, .text(BeijingTime.iso8601(now))])
        }
    }

    /// Forgets a registration whose import did not happen (bad input): the campaign may then
    /// be imported elsewhere.
    func unregister(_ campaign: String, ledger: Int) throws {
        try db.prepare("DELETE FROM campaigns WHERE ledger_id = ? AND campaign = ?").run([.integer(ledger), .text(campaign)])
    }

    private struct Clash {
        enum Kind { case sameID, sameRecipients }
        var kind: Kind
        var entry: Entry

        func message(for campaign: String) -> String {
            let what = kind == .sameID ? "the campaign id \(campaign) is already" : "a recipients file identical to this one is already"
            return "\(what) imported as campaign \(entry.campaign) into the ledger \(entry.ledgerPath): "
                + "a campaign is paid from one ledger only (importing it again would pay everyone twice); "
                + "to pay the same list again on purpose, add `repeat_of: \(entry.campaign)` to the manifest"
        }
    }

    private func clash(_ campaign: String, ledger: Int, recipientsFingerprint: String) throws -> Clash? {
        let rows = try db.prepare("""
            SELECT c.campaign, c.ledger_id, l.path, c.endpoint, c.registered_at, c.campaign = ?1
            FROM campaigns c JOIN ledgers l ON l.id = c.ledger_id
            WHERE c.endpoint <> 'sandbox'
              AND ((c.campaign = ?1 AND c.ledger_id <> ?2) OR (c.recipients_sha256 = ?3 AND c.campaign <> ?1))
            ORDER BY c.registered_at
            """).rows([.text(campaign), .integer(ledger), .text(recipientsFingerprint)]) { (row) throws(LedgerError) in
                Clash(kind: row.int(5) == 1 ? .sameID : .sameRecipients, entry: Entry(
                    campaign: try row.requiredText(0, of: "a registered campaign"), ledgerID: row.int(1),
                    ledgerPath: try row.requiredText(2, of: "a registered ledger"), endpoint: try row.requiredText(3, of: "a registered campaign"),
                    registeredAt: try row.requiredText(4, of: "a registered campaign")))
            }
        return rows.first
    }

    /// Every campaign of the merchant, in the order they were registered.
    public func entries() throws -> [Entry] {
        try db.prepare("""
            SELECT c.campaign, c.ledger_id, l.path, c.endpoint, c.registered_at
            FROM campaigns c JOIN ledgers l ON l.id = c.ledger_id ORDER BY c.registered_at, c.campaign
            """).rows { (row) throws(LedgerError) in
                Entry(campaign: try row.requiredText(0, of: "a registered campaign"), ledgerID: row.int(1),
                      ledgerPath: try row.requiredText(2, of: "a registered ledger"),
                      endpoint: try row.requiredText(3, of: "a registered campaign"),
                      registeredAt: try row.requiredText(4, of: "a registered campaign"))
            }
    }
}
