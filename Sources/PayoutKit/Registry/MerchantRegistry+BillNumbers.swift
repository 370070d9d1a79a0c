import Foundation

/// Bill numbers unique across every ledger of the merchant: the registry hands out each
/// site's serials per Beijing day, and learns the numbers of a ledger it meets for the first
/// time (one from an earlier release, with numbers of its own) so it never hands them out.
extension MerchantRegistry {
    /// `count` new numbers of `site`, dated `day` (yyyymmdd, Beijing). Committed before they
    /// are returned: a crash afterwards only leaves them unused.
    func billNumbers(_ count: Int, site: Int, day: String) throws -> [BillNumber] {
        guard count > 0 else { return [] }
        let db = try db
        let last = try db.transaction { () throws -> Int in
            try db.prepare("""
                INSERT INTO bill_days (day, site, last) VALUES (?1, ?2, ?3) ON CONFLICT (day, site) DO UPDATE SET last = last + ?3
                RETURNING last
                """).rows([.text(day), .integer(site), .integer(count)]) { $0.int(0) }.first ?? 0
        }
        guard last < BillNumber.perSite else {
            throw LedgerError("merchant \(mchID): the \(BillNumber.perSite - 1) bill numbers of site \(site) for \(day) (Beijing date) are used up")
        }
        return (last - count + 1...last).map { BillNumber(mchID: mchID, dateStamp: day, site: site, serial: $0) }
    }

    /// Where the registry last saw the ledger with this id, if it ever did.
    func registeredPath(of id: Int) throws -> String? {
        try db.prepare("SELECT path FROM ledgers WHERE id = ?").rows([.integer(id)]) { $0.text(0) }.first ?? nil
    }

    /// Takes in what a ledger holds: its numbers (every later number of the same day and site
    /// is above them), its campaigns, and where it is now, in one transaction.
    func learn(_ facts: LedgerFacts, now: Date) throws {
        let db = try db
        try db.transaction {
            try db.prepare("INSERT INTO ledgers (id, path, learned_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path")
                .run([.integer(facts.id), .text(facts.path), .text(BeijingTime.iso8601(now))])
            let raise = try db.prepare("""
                INSERT INTO bill_days (day, site, last) VALUES (?1, ?2, ?3) ON CONFLICT (day, site) DO UPDATE SET last = max(last, ?3)
                """)
            for used in facts.highestNumbers {
                try raise.run([.text(used.day), .integer(used.site), .integer(used.serial)])
            }
            let campaign = try db.prepare("""
                INSERT INTO campaigns (ledger_id, campaign, recipients_sha256, endpoint, registered_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (ledger_id, campaign) DO UPDATE SET imported = 1
                """)
            for entry in facts.campaigns {
                try campaign.run([.integer(facts.id), .text(entry.id), .text(entry.recipientsFingerprint), .text(entry.endpoint),
                                  .text(BeijingTime.iso8601(now))])
            }
        }
    }
}

/// What the registry learns of a ledger it meets for the first time.
struct LedgerFacts: Sendable {
    struct Used: Sendable, Equatable {
        var day: String
        var site: Int
        var serial: Int
    }

    struct Campaign: Sendable {
        var id: String
        var recipientsFingerprint: String
        var endpoint: String
    }

    var id: Int
    var path: String
    /// Per day and site (a number's first two digits after the date), the highest serial used.
    var highestNumbers: [Used]
    var campaigns: [Campaign]
}
