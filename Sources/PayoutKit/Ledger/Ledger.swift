import Foundation
import Glibc
import Logging

/// The durable record of every campaign, item and attempt: a SQLite file in WAL mode with
/// `synchronous=FULL`, so a committed state change survives a crash or power cut.
///
/// An actor on its own serial queue: all SQLite calls happen there, one at a time, and
/// never on Swift's cooperative pool. It is persistence only — schema, campaigns, claims,
/// records and queries; importing a campaign and writing reports live with their stages.
public actor Ledger {
    public nonisolated let path: String
    private let executor: SerialQueueExecutor
    private var connection: SQLiteConnection?
    private static let log = Logger(label: "payout.ledger")

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(path: String) {
        self.path = path
        executor = SerialQueueExecutor(label: "payout.ledger")
    }

    /// Opens (creating if needed) the ledger for `body` and closes it on every way out.
    public static func withLedger<T>(at path: String, _ body: (Ledger) async throws -> T) async throws -> T {
        try await scoped(path, bulk: false, body)
    }

    /// A fresh file that is only renamed into place once its import committed and was
    /// synced: crash safety comes from the rename, so the import itself skips the WAL and
    /// per-commit syncs (an in-memory journal still allows rollback).
    static func withBulkImport<T>(at path: String, _ body: (Ledger) async throws -> T) async throws -> T {
        try await scoped(path, bulk: true, body)
    }

    private static func scoped<T>(_ path: String, bulk: Bool, _ body: (Ledger) async throws -> T) async throws -> T {
        try await withReleasing(Ledger(path: path), release: { await $0.close() }) { ledger in
            try await ledger.connect(bulk: bulk)
            return try await body(ledger)
        }
    }

    /// New files are readable by their owner only: they hold recipients' data.
    private func connect(bulk: Bool) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let connection = try SQLiteConnection(path: path)
        if isNew, chmod(path, 0o600) != 0 {
            throw FileError("restrict to its owner the new ledger", path)
        }
        // In a bulk import the campaign row and its items are written by one transaction
        // into a file nobody else sees, so foreign keys hold by construction there.
        let durability = bulk
            ? "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        try connection.execute(durability + " PRAGMA cache_size=-16384;")
        try Schema.migrate(connection)
        self.connection = connection
    }

    /// Checkpoints the WAL into the main file and closes the connection. A failed
    /// checkpoint loses nothing — the WAL keeps every commit and the next open replays it —
    /// so it is a warning, not an error.
    func close() {
        guard let connection else { return }
        do {
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            Self.log.warning("the ledger's write-ahead log was not checkpointed; the next open replays it: \(error)")
        }
        self.connection = nil
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
                   recipients_sha256, extra_columns, item_count, total_amount, first_item_id, last_item_id, imported_at,
                   endpoint, client_ip, site
            FROM campaigns WHERE id = ?
            """)
        return try statement.rows([.text(id)]) { (row) throws(LedgerError) in
            let text = { (column: Int32) throws(LedgerError) in try row.requiredText(column, of: "campaign \(id)") }
            let sceneID = try text(8)
            return CampaignRecord(
                id: id, mchID: try text(1), wxappid: try text(2),
                texts: CampaignTexts(
                    actName: try text(3), wishing: try text(4), remark: try text(5), sendName: try text(6),
                    nickName: try text(7), sceneID: sceneID.isEmpty ? nil : sceneID),
                recipientsPath: try text(9), recipientsFingerprint: try text(10),
                extraColumns: try Self.decodeColumns(try text(11), campaign: id), itemCount: row.int(12),
                total: Amount(fen: row.int(13)), itemIDs: row.int(14)...max(row.int(14), row.int(15)),
                importedAt: try text(16),
                binding: row.text(17).flatMap { endpoint in row.text(18).map { CampaignBinding(endpoint: endpoint, clientIP: $0, site: row.int(19)) } })
        }.first
    }

    /// The campaign, or an error saying it is not in this ledger.
    func requireCampaign(_ id: String) throws(LedgerError) -> CampaignRecord {
        guard let campaign = try campaign(id) else { throw LedgerError("campaign \(id) is not in the ledger \(path)") }
        return campaign
    }

    /// The merchants whose campaigns this ledger holds (one, by the import rule).
    func merchants() throws(LedgerError) -> [String] {
        try db.prepare("SELECT DISTINCT mch_id FROM campaigns").rows { (row) throws(LedgerError) in
            try row.requiredText(0, of: "a campaign")
        }
    }

    public func status(_ campaignID: String, now: Date = Date()) throws(LedgerError) -> CampaignStatus? {
        guard let campaign = try campaign(campaignID) else { return nil }
        return try status(of: campaign, now: now)
    }

    /// Counts and amounts per state, bill numbers assigned, and the unknown items whose first
    /// request (claim, or first send for older ledgers) is older than gethbinfo reaches back.
    func status(of campaign: CampaignRecord, now: Date = Date()) throws(LedgerError) -> CampaignStatus {
        var status = try tallies(of: campaign)
        let cutoff = now.timeIntervalSince1970 - RetryPolicy().queryableAge / .seconds(1)
        status.needsMerchantRecords = try db.prepare("""
            SELECT COUNT(*) FROM items WHERE id BETWEEN ? AND ? AND state IN ('sending', 'retrying')
              AND COALESCE(claimed_at, (julianday(first_sent_at) - 2440587.5) * 86400.0) < ?
            """).rows(Self.range(campaign) + [.real(cutoff)]) { $0.int(0) }.first ?? 0
        return status
    }

    /// One range scan with a filtered sum per state: a `GROUP BY state` would sort every row
    /// first, which costs a million-row run a second before its first request.
    func tallies(of campaign: CampaignRecord) throws(LedgerError) -> CampaignStatus {
        let states = ItemState.allCases
        let sums = states.map { "COUNT(*) FILTER (WHERE state = '\($0)'), SUM(amount) FILTER (WHERE state = '\($0)')" }
        var status = CampaignStatus(campaign: campaign.id, byState: [:], billNumbersAssigned: 0)
        _ = try db.prepare("""
            SELECT COUNT(bill_number), \(sums.joined(separator: ", ")) FROM items WHERE id BETWEEN ? AND ?
            """).rows(Self.range(campaign)) { row in
                status.billNumbersAssigned = row.int(0)
                for (index, state) in zip(Int32(0)..., states) where row.int(1 + 2 * index) > 0 {
                    status.byState[state] = CampaignStatus.Tally(count: row.int(1 + 2 * index), amount: Amount(fen: row.int(2 + 2 * index)))
                }
            }
        return status
    }

    /// Steps through `columns` of the campaign's items in CSV order, handing each row to
    /// `body` while it is current: how reports stream a million rows without a copy each.
    func forEachItem(of campaign: CampaignRecord, columns: String, _ body: (Statement) throws -> Void) throws {
        let statement = try db.prepare("SELECT \(columns) FROM items WHERE id BETWEEN ? AND ? ORDER BY id")
        statement.bind(Self.range(campaign))
        while try statement.step() {
            try body(statement)
        }
    }

    /// Every per-campaign query is a rowid range scan: a campaign's items are contiguous.
    static func range(_ campaign: CampaignRecord) -> [SQLValue] {
        [.integer(campaign.itemIDs.lowerBound), .integer(campaign.itemIDs.upperBound)]
    }

    /// The recipients file's extra column names, as stored with the campaign.
    static func encodeColumns(_ columns: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(columns), as: UTF8.self)
    }

    static func decodeColumns(_ text: String, campaign: String) throws(LedgerError) -> [String] {
        guard let columns = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw LedgerError("ledger: campaign \(campaign) has unreadable extra_columns \(text)")
        }
        return columns
    }
}
