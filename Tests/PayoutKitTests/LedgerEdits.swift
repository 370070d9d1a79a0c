import Foundation
@testable import PayoutKit

/// Outcomes written into a `ReportLedger` as a run would write them, and a second connection
/// to its file, as someone editing it behind payout's back would use.
extension ReportLedger {
    var path: String { folder.appendingPathComponent("payout.sqlite").path }

    func fail(_ item: WorkItem, code: String) async throws {
        try await request(item, at: 1, outcome: "failed", state: .failed, code: code, message: "说明")
    }

    func pay(_ item: WorkItem) async throws {
        try await request(item, at: 1, outcome: "sent", state: .sent)
    }

    /// What reconcile records of a paid packet that gethbinfo reports with `status` (opened at
    /// `received`, when it says RECEIVED).
    func packet(_ item: WorkItem, _ status: HongbaoRecord.Status, refund: Int? = nil, received: Date? = nil) async throws {
        let packet = SentPacket(itemID: item.id, line: item.line, openid: item.openid, amount: item.amount, billNumber: item.billNumber)
        let record = HongbaoRecord(
            billNumber: item.billNumber.rawValue, status: status, detailID: "d", openid: item.openid, amount: item.amount,
            reason: nil, receivedAt: received, refundedAt: refund.map { _ in Self.morning }, refundAmount: refund.map(Amount.init(fen:)))
        try await ledger.record(.observed(record), for: packet, at: Self.morning)
    }

    /// Runs `statement` on a connection of its own; throws what SQLite (or a trigger) said.
    func sql(_ statement: String) throws(LedgerError) {
        try SQLiteConnection(path: path).execute(statement)
    }

    /// The first column of every row of `query`, as text.
    func column(_ query: String) throws(LedgerError) -> [String?] {
        try SQLiteConnection(path: path).prepare(query).rows { $0.text(0) }
    }

    func item(_ id: Int) async throws -> Ledger.ItemSnapshot? {
        try await ledger.items("c1").first { $0.id == id }
    }
}
