/// The ledger's tables, versioned with `PRAGMA user_version`. Each migration moves one
/// version forward and never edits an earlier one, so a ledger from any release opens.
///
/// A campaign's items are inserted in one transaction, so they hold one contiguous range of
/// ids, in CSV order; the campaign row keeps that range and every per-campaign query is a
/// rowid range scan — no secondary index slows the import of a million rows.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY,
            mch_id TEXT NOT NULL,
            wxappid TEXT NOT NULL,
            act_name TEXT NOT NULL,
            wishing TEXT NOT NULL,
            remark TEXT NOT NULL,
            send_name TEXT NOT NULL,
            nick_name TEXT NOT NULL,
            scene_id TEXT NOT NULL,
            recipients_path TEXT NOT NULL,
            recipients_sha256 TEXT NOT NULL,
            recipients_encoding TEXT NOT NULL,
            extra_columns TEXT NOT NULL,
            item_count INTEGER NOT NULL,
            first_item_id INTEGER NOT NULL,
            last_item_id INTEGER NOT NULL,
            total_amount INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            line INTEGER NOT NULL,
            openid TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            -- the recipients file's other cells, stored as the report writes them
            -- (",cell,cell", quoted and formula-neutralised), so export copies them as they are
            extras TEXT,
            -- spelled with ORs: an IN list builds a temporary table on every insert
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state = 'pending' OR state = 'sending' OR state = 'sent' OR state = 'failed' OR state = 'retrying'),
            bill_number TEXT,
            err_code TEXT,
            err_code_des TEXT,
            send_listid TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            first_sent_at TEXT,
            last_attempt_at TEXT,
            next_attempt_at REAL,
            CHECK (state = 'pending' OR bill_number IS NOT NULL)
        );
        CREATE UNIQUE INDEX items_bill_number ON items(bill_number) WHERE bill_number IS NOT NULL;
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            bill_number TEXT NOT NULL,
            started_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            err_code TEXT,
            err_code_des TEXT,
            detail TEXT,
            latency_ms INTEGER NOT NULL
        );
        CREATE INDEX attempts_item ON attempts(item_id);
        CREATE TABLE bill_sequences (
            day TEXT PRIMARY KEY,
            last INTEGER NOT NULL
        );
        CREATE TRIGGER bill_number_is_forever BEFORE UPDATE OF bill_number ON items
            WHEN OLD.bill_number IS NOT NULL AND NEW.bill_number IS NOT OLD.bill_number
            BEGIN SELECT RAISE(ABORT, 'an item''s bill number never changes'); END;
        CREATE TRIGGER final_is_forever BEFORE UPDATE OF state ON items
            WHEN OLD.state IN ('sent', 'failed') AND NEW.state IS NOT OLD.state
            BEGIN SELECT RAISE(ABORT, 'a final item never changes state'); END;
        """,
        // Each ledger draws a number 0-999 that leads the 10-digit per-day part of its bill
        // numbers: two ledgers of one merchant (an operator's mistake the API would read as
        // re-entry) then collide only if they drew the same number.
        """
        CREATE TABLE ledger_settings (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT INTO ledger_settings (name, value) VALUES ('bill_number_prefix', abs(random()) % 1000);
        """,
        // When an item was given its bill number (seconds since 1970): the safe side of
        // "when was its first request", which a crash between the request and the record of
        // its answer would otherwise leave unknown. An item's age decides when it must be
        // settled with gethbinfo before any further request.
        """
        ALTER TABLE items ADD COLUMN claimed_at REAL;
        """,
        // Each run of a campaign, and each pause inside one: the HTML report marks them on its
        // time axis. `ending` stays NULL for a run that is still going or that crashed.
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            started_at TEXT NOT NULL,
            ended_at TEXT,
            ending TEXT,
            err_code TEXT,
            detail TEXT
        );
        CREATE INDEX runs_campaign ON runs(campaign_id);
        CREATE TABLE run_pauses (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            started_at TEXT NOT NULL,
            until TEXT NOT NULL,
            cause TEXT NOT NULL
        );
        CREATE INDEX run_pauses_run ON run_pauses(run_id);
        """,
        // What a campaign is bound to besides its texts: the endpoint it pays through
        // ("sandbox" or the URL) and the client_ip its requests carry. NULL in campaigns
        // imported before this version: the first run binds them.
        """
        ALTER TABLE campaigns ADD COLUMN endpoint TEXT;
        ALTER TABLE campaigns ADD COLUMN client_ip TEXT;
        """,
        // What `reconcile` learns of each sent item's packet from gethbinfo: its status and the
        // API's times (stored as ISO 8601 in +08:00). A packet that was claimed or refunded is
        // settled, and what was recorded of it never changes while the item keeps its bill
        // number. An answer that contradicts the ledger is kept beside the item, never applied.
        """
        ALTER TABLE items ADD COLUMN packet_status TEXT
            CHECK (packet_status IS NULL OR packet_status = 'SENT' OR packet_status = 'RECEIVED'
                   OR packet_status = 'RFUND_ING' OR packet_status = 'REFUND');
        ALTER TABLE items ADD COLUMN received_at TEXT;
        ALTER TABLE items ADD COLUMN refunded_at TEXT;
        ALTER TABLE items ADD COLUMN refund_amount INTEGER;
        ALTER TABLE campaigns ADD COLUMN reconciled_at TEXT;
        CREATE TABLE discrepancies (
            item_id INTEGER NOT NULL REFERENCES items(id),
            bill_number TEXT NOT NULL,
            status TEXT,
            detail TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            PRIMARY KEY (item_id, bill_number)
        );
        CREATE TRIGGER packet_only_when_sent BEFORE UPDATE OF packet_status ON items
            WHEN NEW.packet_status IS NOT NULL AND NEW.state <> 'sent'
            BEGIN SELECT RAISE(ABORT, 'only a sent item has a packet status'); END;
        CREATE TRIGGER settled_packet_is_forever BEFORE UPDATE OF packet_status, received_at, refunded_at, refund_amount ON items
            WHEN (OLD.packet_status = 'RECEIVED' OR OLD.packet_status = 'REFUND') AND NEW.bill_number IS OLD.bill_number
              AND (NEW.packet_status IS NOT OLD.packet_status OR NEW.received_at IS NOT OLD.received_at
                   OR NEW.refunded_at IS NOT OLD.refunded_at OR NEW.refund_amount IS NOT OLD.refund_amount)
            BEGIN SELECT RAISE(ABORT, 'a claimed or refunded packet never changes'); END;
        """,
        // `reissue`: the one way an item gets a new bill number. The old number and what it
        // proved go into `bill_history` in the transaction that sets the new one; the
        // triggers of the first migration are replaced by ones that allow exactly that
        // transition — a failed item, or a sent one whose packet was refunded, back to
        // `pending` under a number the history row names — and still refuse any other change
        // of a bill number or of a final state, and any reuse of a number.
        """
        CREATE TABLE bill_history (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            bill_number TEXT NOT NULL UNIQUE,
            replaced_by TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            err_code TEXT,
            err_code_des TEXT,
            send_listid TEXT,
            attempts INTEGER NOT NULL,
            first_sent_at TEXT,
            last_attempt_at TEXT,
            packet_status TEXT,
            refunded_at TEXT,
            refund_amount INTEGER,
            replaced_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            CHECK (replaced_by <> bill_number)
        );
        CREATE INDEX bill_history_item ON bill_history(item_id);
        CREATE TRIGGER bill_history_proves_unpaid BEFORE INSERT ON bill_history
            WHEN NOT EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id AND bill_number = NEW.bill_number
                             AND ((state = 'failed'
                                   AND err_code IN ('SEND_FAILED', 'OPENID_ERROR', 'MONEY_LIMIT', 'PARAM_ERROR', 'NO_AUTH',
                                                    'SENDNUM_LIMIT', 'RCVDAMOUNT_LIMIT', 'FAILED', 'BILLNO_CONFLICT', 'EXPIRED')
                                   AND instr(COALESCE(err_code_des, ''), '该订单已经过期') = 0)
                                  OR (state = 'sent' AND packet_status = 'REFUND')))
            BEGIN SELECT RAISE(ABORT, 'only the current bill number of a failed item or of a refunded packet can be replaced'); END;
        CREATE TRIGGER bill_history_is_forever BEFORE UPDATE ON bill_history
            BEGIN SELECT RAISE(ABORT, 'the bill-number history never changes'); END;
        CREATE TRIGGER bill_history_is_kept BEFORE DELETE ON bill_history
            BEGIN SELECT RAISE(ABORT, 'the bill-number history never changes'); END;
        DROP TRIGGER bill_number_is_forever;
        DROP TRIGGER final_is_forever;
        CREATE TRIGGER bill_number_is_forever BEFORE UPDATE OF bill_number ON items
            WHEN OLD.bill_number IS NOT NULL AND NEW.bill_number IS NOT OLD.bill_number
              AND NOT (NEW.state = 'pending' AND EXISTS (SELECT 1 FROM bill_history
                              WHERE item_id = OLD.id AND bill_number = OLD.bill_number AND replaced_by = NEW.bill_number))
            BEGIN SELECT RAISE(ABORT, 'an item''s bill number never changes'); END;
        CREATE TRIGGER bill_number_is_never_reused BEFORE UPDATE OF bill_number ON items
            WHEN EXISTS (SELECT 1 FROM bill_history WHERE bill_number = NEW.bill_number)
            BEGIN SELECT RAISE(ABORT, 'a replaced bill number is never used again'); END;
        CREATE TRIGGER final_is_forever BEFORE UPDATE OF state ON items
            WHEN OLD.state IN ('sent', 'failed') AND NEW.state IS NOT OLD.state
              AND NOT (NEW.state = 'pending' AND EXISTS (SELECT 1 FROM bill_history
                       WHERE item_id = OLD.id AND bill_number = OLD.bill_number AND replaced_by = NEW.bill_number))
            BEGIN SELECT RAISE(ABORT, 'a final item never changes state'); END;
        """,
        // The items a run carries over (a number committed, no final outcome): a resumed run
        // finds them without reading the whole campaign. Never-tried and final items, nearly
        // all of a campaign, stay out of it, so import does not pay for it. Ledger.openWork's
        // query repeats this condition word for word: SQLite uses a partial index only then.
        """
        CREATE INDEX items_open ON items(id)
            WHERE state IN ('sending', 'retrying') OR (state = 'pending' AND bill_number IS NOT NULL);
        """,
        // The merchant registry (PAYOUT_HOME) knows a ledger by this id, whatever path it is
        // opened by. `site` is bound with the rest of what a request carries; campaigns
        // imported before it get site 0, the default, for their new numbers (their old ones,
        // prefix-style, are learned by the registry). bill_sequences and bill_number_prefix
        // are no longer read: the registry hands out every number now.
        """
        INSERT INTO ledger_settings (name, value) VALUES ('ledger_id', abs(random()));
        ALTER TABLE campaigns ADD COLUMN site INTEGER NOT NULL DEFAULT 0;
        """,
    ]

    static var version: Int { migrations.count }

    static func migrate(_ connection: SQLiteConnection) throws {
        try connection.migrate(migrations, kind: "ledger")
    }
}

extension SQLiteConnection {
    /// Brings the file to the version `migrations` reach, one committed migration at a time;
    /// a file from a newer payout is refused rather than guessed at. The version is read
    /// inside each migration's write transaction: two processes opening a new merchant
    /// registry at once apply each migration once between them.
    func migrate(_ migrations: [String], kind: String) throws {
        let found = try version()
        guard found <= migrations.count else {
            throw LedgerError("\(kind) \(path) has schema version \(found), newer than this payout (\(migrations.count)): upgrade payout")
        }
        for (index, migration) in migrations.enumerated().dropFirst(found) {
            try transaction {
                guard try version() == index else { return }
                try execute(migration)
                try execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    private func version() throws(LedgerError) -> Int {
        try prepare("PRAGMA user_version").rows { $0.int(0) }.first ?? 0
    }
}
