import Foundation
@testable import PayoutKit
import Testing

/// The item state machine has one list of transitions, `ItemTransition.all`. These tests hold
/// to it the ledger's triggers and both ledgers' refusals.
@Suite struct ItemStateMachineTests {

    static func listed(_ from: ItemState, _ to: ItemState) -> Bool {
        ItemTransition.all.contains { $0.from == from && $0.to == to }
    }

    // MARK: the ledgers enforce the table

    /// A scratch SQLite ledger at the current schema, with one campaign to hang items on.
    static func withSchema(_ body: (SQLiteConnection) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("payout-states-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try SQLiteConnection(path: folder.appendingPathComponent("ledger.sqlite").path)
        try Schema.migrate(connection)
        try connection.execute(Self.campaignRow)
        try body(connection)
    }

    static let campaignRow = """
        INSERT INTO campaigns VALUES ('c1', '10000098', 'wx8888888888888888', 'a', 'w', 'r', 's', 'n', '', 'r.csv', '',
            'UTF-8', '[]', 0, 0, 1, 1000, '')
        """

    /// Triggers never refuse a listed transition, and refuse every way out of a final state,
    /// which the table does not list either; a bill number, once given, never changes.
    @Test func theLedgersTriggersAgreeWithTheTable() throws {
        try Self.withSchema { db in
            var id = 0
            for from in ItemState.allCases {
                for to in ItemState.allCases {
                    id += 1
                    try db.execute("""
                        INSERT INTO items (id, campaign_id, line, openid, amount, state, bill_number)
                        VALUES (\(id), 'c1', \(id), 'o', 100, '\(from)', 'B\(id)')
                        """)
                    let refused = (try? db.execute("UPDATE items SET state = '\(to)' WHERE id = \(id)")) == nil
                    let leavesFinal = (from == .sent || from == .failed) && to != from
                    #expect(refused == leavesFinal, "the triggers on \(from) → \(to)")
                    if Self.listed(from, to) { #expect(!refused, "the triggers refuse the listed \(from) → \(to)") }
                    if leavesFinal { #expect(!Self.listed(from, to), "the table lets a final item change: \(from) → \(to)") }
                    #expect((try? db.execute("UPDATE items SET bill_number = 'X\(id)' WHERE id = \(id)")) == nil,
                            "a \(from) item's bill number changed")
                }
            }
            try db.execute("INSERT INTO items (id, campaign_id, line, openid, amount) VALUES (999, 'c1', 999, 'o', 100)")
            try db.execute("""
                UPDATE items SET bill_number = 'B999', state = '\(ItemTransition.claim.to)'
                WHERE id = 999 AND state = '\(ItemTransition.claim.from)'
                """)
        }
    }

    static func record(_ item: Int, _ bill: BillNumber, _ state: ItemState) -> AttemptRecord {
        AttemptRecord(
            itemID: item, billNumber: bill, kind: .send, startedAt: Date(), latency: .zero, outcome: "unknown", newState: state)
    }

    @Test func theSQLiteLedgerRefusesAChangeTheTableLacks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("payout-states-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bill = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 1)
        try await Ledger.withLedger(at: folder.appendingPathComponent("ledger.sqlite").path) { ledger in
            try await ledger.execute(Self.campaignRow)
            try await ledger.execute("""
                INSERT INTO items (id, campaign_id, line, openid, amount, state, bill_number)
                VALUES (1, 'c1', 2, 'o', 100, 'retrying', '\(bill)')
                """)
            #expect(!Self.listed(.retrying, .pending))
            await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from retrying to pending: not in ItemTransition.all")) {
                try await ledger.record([Self.record(1, bill, .pending)])
            }
            let other = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 2)
            await #expect(throws: LedgerError("item 1 with bill number \(other) is not in the ledger")) {
                try await ledger.record([Self.record(1, other, .retrying)])
            }
            try await ledger.record([Self.record(1, bill, .retrying)])
            try await ledger.record([Self.record(1, bill, .sent)])
            await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from sent to sent: not in ItemTransition.all")) {
                try await ledger.record([Self.record(1, bill, .sent)])
            }
        }
    }

    @Test func theInMemoryLedgerRefusesTheSame() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let item = try #require(try await ledger.claim("c1", after: 0, limit: 1, mchID: "10000098", now: Date()).first)
        #expect(item.state == ItemTransition.claim.to)
        #expect(Self.listed(.sending, .pending), "release, which no answer may do")
        await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from sending to pending: not in ItemTransition.all")) {
            try await ledger.record([Self.record(1, item.billNumber, .pending)])
        }
        try await ledger.record([Self.record(1, item.billNumber, .failed)])
        await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from failed to sent: not in ItemTransition.all")) {
            try await ledger.record([Self.record(1, item.billNumber, .sent)])
        }
    }
}

extension Ledger {
    /// Raw SQL, for a test that lays out rows no import would write.
    func execute(_ sql: String) throws {
        try db.execute(sql)
    }
}
