import Foundation

/// The durable record of every campaign, item and attempt: a SQLite file in WAL mode with
/// `synchronous=FULL`, so a committed state change survives a crash or power cut.
///
/// An actor on its own serial queue: all SQLite calls happen there, one at a time, and
/// never on Swift's cooperative pool.
public actor Ledger {
    public nonisolated let path: String
    private let executor: SerialQueueExecutor
    private var connection: SQLiteConnection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(path: String) {
        self.path = path
        executor = SerialQueueExecutor(label: "payout.ledger")
    }

    /// Opens (creating if needed) the ledger and brings its schema up to date. New files are
    /// readable by their owner only: they hold recipients' data.
    public static func open(_ path: String) async throws -> Ledger {
        let ledger = Ledger(path: path)
        try await ledger.connect(bulk: false)
        return ledger
    }

    /// A fresh file that is only renamed into place once its import committed and was
    /// synced: crash safety comes from the rename, so the import itself skips the WAL and
    /// per-commit syncs (an in-memory journal still allows rollback).
    static func openForBulkImport(_ path: String) async throws -> Ledger {
        let ledger = Ledger(path: path)
        try await ledger.connect(bulk: true)
        return ledger
    }

    private func connect(bulk: Bool) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let connection = try SQLiteConnection(path: path)
        if isNew {
            chmod(path, 0o600)
        }
        // In a bulk import the campaign row and its items are written by one transaction
        // into a file nobody else sees, so foreign keys hold by construction there.
        let durability = bulk
            ? "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        try connection.execute(durability + " PRAGMA cache_size=-16384;")
        let version = try connection.prepare("PRAGMA user_version").rows { $0.int(0) }.first ?? 0
        guard version <= Schema.version else {
            throw LedgerError("ledger \(path) has schema version \(version), newer than this payout (\(Schema.version)): upgrade payout")
        }
        for (index, migration) in Schema.migrations.enumerated().dropFirst(version) {
            try connection.transaction {
                try connection.execute(migration)
                try connection.execute("PRAGMA user_version = \(index + 1)")
            }
        }
        self.connection = connection
    }

    /// Checkpoints the WAL into the main file and closes the connection.
    public func close() {
        if let connection {
            try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        connection = nil
    }

    var db: SQLiteConnection {
        get throws(LedgerError) {
            guard let connection else { throw LedgerError("ledger \(path) is closed") }
            return connection
        }
    }

    // MARK: campaigns

    public func campaign(_ id: String) throws(LedgerError) -> CampaignRecord? {
        let statement = try db.prepare("""
            SELECT id, mch_id, wxappid, act_name, wishing, remark, send_name, nick_name, scene_id, recipients_path,
                   recipients_sha256, extra_columns, item_count, total_amount, first_item_id, last_item_id, imported_at
            FROM campaigns WHERE id = ?
            """)
        return try statement.rows([.text(id)]) { row in
            CampaignRecord(
                id: row.text(0)!, mchID: row.text(1)!, wxappid: row.text(2)!,
                texts: ["act_name": row.text(3)!, "wishing": row.text(4)!, "remark": row.text(5)!,
                        "send_name": row.text(6)!, "nick_name": row.text(7)!, "scene_id": row.text(8)!],
                recipientsPath: row.text(9)!, recipientsFingerprint: row.text(10)!,
                extraColumns: Self.decodeColumns(row.text(11)!), itemCount: row.int(12),
                total: Amount(fen: row.int(13)), itemIDs: row.int(14)...max(row.int(14), row.int(15)),
                importedAt: row.text(16)!)
        }.first
    }

    /// Imports the campaign in one transaction, or — if it is already here — checks that
    /// nothing changed since. Bad input rolls everything back: the ledger is as it was.
    public func importCampaign(_ manifest: Manifest, now: Date = Date()) throws -> ImportOutcome {
        let db = try db
        if let existing = try campaign(manifest.campaign) {
            try Self.verify(manifest, against: existing)
            return .alreadyImported
        }
        let merchants = try db.prepare("SELECT DISTINCT mch_id FROM campaigns").rows { $0.text(0)! }
        if let other = merchants.first(where: { $0 != manifest.merchant.mchID }) {
            throw InputError(file: manifest.path, line: nil, message:
                "the ledger \(path) belongs to merchant \(other), not \(manifest.merchant.mchID): one ledger holds one merchant, use --ledger for another")
        }
        return try db.transaction { () throws -> ImportOutcome in
            let texts = Dictionary(uniqueKeysWithValues: manifest.frozenTexts.map { ($0.name, $0.value) })
            try db.prepare("""
                INSERT INTO campaigns (id, mch_id, wxappid, act_name, wishing, remark, send_name, nick_name, scene_id,
                    recipients_path, recipients_sha256, recipients_encoding, extra_columns, item_count, total_amount,
                    first_item_id, last_item_id, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '[]', 0, 0, 0, 0, ?)
                """).run([
                    .text(manifest.campaign), .text(manifest.merchant.mchID), .text(manifest.merchant.wxappid),
                    .text(texts["act_name"]!), .text(texts["wishing"]!), .text(texts["remark"]!),
                    .text(texts["send_name"]!), .text(texts["nick_name"]!), .text(texts["scene_id"]!),
                    .text(manifest.recipients), .text(BeijingTime.iso8601(now)),
                ])
            let insert = try db.prepare("INSERT INTO items (campaign_id, line, openid, amount, extras) VALUES (?1, ?2, ?3, ?4, ?5)")
            insert.bind([.text(manifest.campaign)])
            var firstID: Int?
            var lastID = 0
            let pipeline = ImportPipeline(manifest)
            do {
                while let batch = pipeline.take() {
                    for index in 0..<batch.count {
                        try batch.withRow(index) { (openid, extras) throws(LedgerError) in
                            insert.reset()
                            insert.bind(integer: batch.lines[index], at: 2)
                            insert.bind(text: openid, at: 3)
                            insert.bind(integer: batch.amounts[index], at: 4)
                            insert.bind(text: extras, at: 5)
                            while try insert.step() {}
                        }
                        lastID = db.lastInsertRowID
                        if firstID == nil { firstID = lastID }
                    }
                }
            } catch {
                pipeline.cancel()
                throw error
            }
            let summary = try pipeline.result()
            try db.prepare("""
                UPDATE campaigns SET recipients_sha256 = ?, recipients_encoding = ?, extra_columns = ?, item_count = ?,
                    total_amount = ?, first_item_id = ?, last_item_id = ? WHERE id = ?
                """).run([
                    .text(summary.fingerprint), .text(summary.encoding.rawValue), .text(Self.encodeColumns(summary.extraColumns)),
                    .integer(summary.count), .integer(summary.total.fen), .integer(firstID ?? 0), .integer(lastID), .text(manifest.campaign),
                ])
            return .imported(summary)
        }
    }

    private static func verify(_ manifest: Manifest, against existing: CampaignRecord) throws {
        var changes: [String] = []
        if existing.mchID != manifest.merchant.mchID { changes.append("merchant.mch_id was \(existing.mchID), now \(manifest.merchant.mchID)") }
        if existing.wxappid != manifest.merchant.wxappid { changes.append("merchant.wxappid was \(existing.wxappid), now \(manifest.merchant.wxappid)") }
        for (name, value) in manifest.frozenTexts where existing.texts[name] != value {
            changes.append("\(name) was '\(existing.texts[name] ?? "")', now '\(value)'")
        }
        let fingerprint = try FileFingerprint.sha256(manifest.recipients)
        if fingerprint != existing.recipientsFingerprint {
            changes.append("the recipients file \(manifest.recipients) is not the one imported (its content changed)")
        }
        guard changes.isEmpty else {
            let problems = changes.map {
                InputProblem(file: manifest.path, line: nil, message: "campaign \(manifest.campaign) changed since import: \($0)")
            }
            throw InputError(problems + [InputProblem(file: manifest.path, line: nil, message:
                "restore what was imported, or give the new campaign another id")])
        }
    }

    // MARK: status and report

    public func status(_ campaignID: String) throws(LedgerError) -> CampaignStatus? {
        guard let campaign = try campaign(campaignID) else { return nil }
        var byState: [ItemState: CampaignStatus.Tally] = [:]
        var billNumbers = 0
        let range = campaign.itemIDs
        _ = try db.prepare("""
            SELECT state, COUNT(*), COALESCE(SUM(amount), 0), COUNT(bill_number) FROM items
            WHERE id BETWEEN ? AND ? GROUP BY state
            """).rows([.integer(range.lowerBound), .integer(range.upperBound)]) { row in
                if let state = ItemState(rawValue: row.text(0) ?? "") {
                    byState[state] = CampaignStatus.Tally(count: row.int(1), amount: Amount(fen: row.int(2)))
                }
                billNumbers += row.int(3)
            }
        return CampaignStatus(campaign: campaignID, byState: byState, billNumbersAssigned: billNumbers)
    }

    public static let reportColumns = ["line", "openid", "amount", "mch_billno", "status", "err_code", "err_code_des",
                                       "send_listid", "attempts", "first_sent_at", "last_attempt_at"]

    /// Streams the per-recipient report, in CSV order, as UTF-8 with a BOM. `path` "-" is stdout.
    public func export(_ campaignID: String, to path: String) throws(LedgerError) -> Int {
        guard let campaign = try campaign(campaignID) else {
            throw LedgerError("campaign \(campaignID) is not in the ledger \(self.path)")
        }
        let output = try OutputFile(path: path)
        try output.append { buffer in
            buffer += [0xEF, 0xBB, 0xBF]
            CSVText.row(Self.reportColumns + campaign.extraColumns, into: &buffer)
        }
        let statement = try db.prepare("""
            SELECT line, openid, amount, bill_number, state, err_code, err_code_des, send_listid, attempts,
                   first_sent_at, last_attempt_at, extras
            FROM items WHERE id BETWEEN ? AND ? ORDER BY id
            """)
        statement.bind([.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)])
        var rows = 0
        let padding = [UInt8](repeating: 0x2C, count: campaign.extraColumns.count)
        while try statement.step() {
            try output.append { buffer in
                CSVText.integer(statement.int(0), into: &buffer)
                buffer.append(0x2C)
                CSVText.cell(statement.bytes(1), into: &buffer)
                buffer.append(0x2C)
                CSVText.integer(statement.int(2), into: &buffer)
                for column in Int32(3)...Int32(7) {
                    buffer.append(0x2C)
                    CSVText.cell(statement.bytes(column), into: &buffer)
                }
                buffer.append(0x2C)
                CSVText.integer(statement.int(8), into: &buffer)
                for column in Int32(9)...Int32(10) {
                    buffer.append(0x2C)
                    CSVText.cell(statement.bytes(column), into: &buffer)
                }
                let extras = statement.bytes(11)
                if extras.isEmpty {
                    buffer.append(contentsOf: padding)
                } else {
                    buffer.append(contentsOf: extras)
                }
                CSVText.endRow(&buffer)
            }
            rows += 1
        }
        try output.flush()
        return rows
    }
}

extension Ledger {
    /// The recipients file's extra column names, as stored with the campaign.
    static func encodeColumns(_ columns: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(columns)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decodeColumns(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

/// SHA-256 of a whole file, streamed: how `run` tells whether a recipients file changed.
enum FileFingerprint {
    static func sha256(_ path: String) throws(InputError) -> String {
        let file = try CSVReader.open(path)
        defer { fclose(file) }
        let hasher = SHA256Hasher()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
        return hasher.hexDigest()
    }
}
