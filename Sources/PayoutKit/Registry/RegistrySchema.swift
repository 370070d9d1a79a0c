/// The merchant registry's tables, versioned like the ledger's.
enum RegistrySchema {
    static let migrations: [String] = [
        """
        -- Every ledger the registry has seen, by the id the ledger keeps in ledger_settings.
        CREATE TABLE ledgers (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            learned_at TEXT NOT NULL
        );
        -- The last 8-digit serial handed out per Beijing day and site, across all ledgers.
        CREATE TABLE bill_days (
            day TEXT NOT NULL,
            site INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (day, site)
        );
        -- The campaigns of every ledger of the merchant, for the one-ledger rule.
        CREATE TABLE campaigns (
            ledger_id INTEGER NOT NULL REFERENCES ledgers(id),
            campaign TEXT NOT NULL,
            recipients_sha256 TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            repeat_of TEXT,
            registered_at TEXT NOT NULL,
            PRIMARY KEY (ledger_id, campaign)
        );
        CREATE INDEX campaigns_id ON campaigns(campaign);
        CREATE INDEX campaigns_recipients ON campaigns(recipients_sha256);
        -- Request starts of all runs, per tenth of a second: the merchant's shared quota.
        CREATE TABLE starts (
            tick INTEGER PRIMARY KEY,
            count INTEGER NOT NULL
        );
        -- What each openid is paid (or being paid) per Beijing day: one row per item admitted
        -- that day, whatever became of it (a failed item still counts: the safe side).
        CREATE TABLE charges (
            ledger_id INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            openid TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (ledger_id, item_id, day)
        );
        CREATE INDEX charges_recipient ON charges(day, openid);
        """,
        """
        -- 0 from registration until the campaign's rows are committed in its ledger: only
        -- such a registration may be replaced (a new ledger whose import died).
        ALTER TABLE campaigns ADD COLUMN imported INTEGER NOT NULL DEFAULT 1;
        """,
    ]
}
