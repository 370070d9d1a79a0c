import Foundation

/// A campaign's row as import writes it, before its items exist.
struct NewCampaign: Sendable {
    var id: String
    var mchID: String
    var wxappid: String
    var texts: CampaignTexts
    var binding: CampaignBinding
    var recipientsPath: String
    var importedAt: Date
}

/// Inserts one campaign's items inside `Ledger.insertCampaign`'s transaction, reusing one
/// prepared statement for every row.
final class ItemWriter {
    private let connection: SQLiteConnection
    private let statement: Statement
    private(set) var firstID: Int?
    private(set) var lastID = 0

    fileprivate init(connection: SQLiteConnection, campaignID: String) throws(LedgerError) {
        self.connection = connection
        statement = try connection.prepare("INSERT INTO items (campaign_id, line, openid, amount, extras) VALUES (?1, ?2, ?3, ?4, ?5)")
        statement.bind([.text(campaignID)])
    }

    /// `openid` and `extras` (the report's CSV cells) are raw UTF-8, copied by SQLite.
    func insert(line: Int, openid: UnsafeBufferPointer<UInt8>, amount: Int, extras: UnsafeBufferPointer<UInt8>) throws(LedgerError) {
        statement.reset()
        statement.bind(integer: line, at: 2)
        statement.bind(text: openid, at: 3)
        statement.bind(integer: amount, at: 4)
        statement.bind(text: extras, at: 5)
        while try statement.step() {}
        lastID = connection.lastInsertRowID
        if firstID == nil { firstID = lastID }
    }
}

extension Ledger {
    /// Binds a campaign imported by an earlier release, on its first run under this one.
    func bind(_ campaignID: String, to binding: CampaignBinding) throws(LedgerError) {
        try db.prepare("UPDATE campaigns SET endpoint = ?, client_ip = ?, site = ? WHERE id = ? AND endpoint IS NULL")
            .run([.text(binding.endpoint), .text(binding.clientIP), .integer(binding.site), .text(campaignID)])
    }

    /// The imported rows of a campaign, keyed by openid (a recipient may hold several rows),
    /// each with its line and amount, in CSV order: what an edited file is compared with.
    func importedRows(of campaign: CampaignRecord) throws(LedgerError) -> [String: [(line: Int, amount: Int)]] {
        var rows: [String: [(line: Int, amount: Int)]] = [:]
        _ = try db.prepare("SELECT openid, line, amount FROM items WHERE id BETWEEN ? AND ? ORDER BY id")
            .rows(Self.range(campaign)) { row in
                rows[row.text(0) ?? "", default: []].append((row.int(1), row.int(2)))
            }
        return rows
    }

    /// Writes a new campaign and its items in one transaction: all of it, or — when `items`
    /// throws (bad input) — nothing, leaving the ledger as it was.
    func insertCampaign(
        _ campaign: NewCampaign, items: @Sendable (ItemWriter) throws -> RecipientsSummary
    ) throws -> RecipientsSummary {
        let db = try db
        return try db.transaction {
            try db.prepare("""
                INSERT INTO campaigns (id, mch_id, wxappid, act_name, wishing, remark, send_name, nick_name, scene_id,
                    recipients_path, recipients_sha256, recipients_encoding, extra_columns, item_count, total_amount,
                    first_item_id, last_item_id, imported_at, endpoint, client_ip, site)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '[]', 0, 0, 0, 0, ?, ?, ?, ?)
                """).run([.text(campaign.id), .text(campaign.mchID), .text(campaign.wxappid)]
                    + campaign.texts.keyed.map { .text($0.value) }
                    + [.text(campaign.recipientsPath), .text(BeijingTime.iso8601(campaign.importedAt)),
                       .text(campaign.binding.endpoint), .text(campaign.binding.clientIP), .integer(campaign.binding.site)])
            let writer = try ItemWriter(connection: db, campaignID: campaign.id)
            let summary = try items(writer)
            try db.prepare("""
                UPDATE campaigns SET recipients_sha256 = ?, recipients_encoding = ?, extra_columns = ?, item_count = ?,
                    total_amount = ?, first_item_id = ?, last_item_id = ? WHERE id = ?
                """).run([
                    .text(summary.fingerprint), .text(summary.encoding.rawValue), .text(try Self.encodeColumns(summary.extraColumns)),
                    .integer(summary.count), .integer(summary.total.fen), .integer(writer.firstID ?? 0),
                    .integer(writer.lastID), .text(campaign.id),
                ])
            return summary
        }
    }
}
