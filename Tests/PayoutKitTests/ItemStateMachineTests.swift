import Foundation
@testable import PayoutKit
import Testing

/// The item state machine has one list of transitions, `ItemTransition.all`. These tests hold
/// to it the ledger's triggers, both ledgers' refusals and the Promela model that spin
/// verifies (Scripts/modelcheck, run by Scripts/test), and show that the checker finds a
/// known bug planted in a copy of the model.
@Suite struct ItemStateMachineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let model = root.appendingPathComponent("Sources/PayoutKit/Scheduler/ItemStateMachine.pml")

    static func listed(_ from: ItemState, _ to: ItemState) -> Bool {
        ItemTransition.all.contains { $0.from == from && $0.to == to }
    }

    // MARK: the model's table is the Swift table

    /// What the model declares: its `mtype:NAME = { ... }` values and its TRANSITION lines.
    struct ModelTable {
        var states: [String] = []
        var events: [String] = []
        var transitions: [[String]] = []

        init(_ text: String) {
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if line.hasPrefix("mtype:state =") { states = Self.values(line) }
                if line.hasPrefix("mtype:event =") { events = Self.values(line) }
                if line.hasPrefix("TRANSITION("), let close = line.firstIndex(of: ")") {
                    let arguments = line[line.index(line.startIndex, offsetBy: "TRANSITION(".count)..<close]
                    transitions.append(arguments.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                }
            }
        }

        private static func values(_ line: String) -> [String] {
            guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") else { return [] }
            return line[line.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func theModelsTransitionTableIsTheSwiftOne() throws {
        let table = ModelTable(try String(contentsOf: Self.model, encoding: .utf8))
        #expect(Set(table.states) == Set(ItemState.allCases.map(\.rawValue)), "the model's states are ItemState's")
        #expect(Set(table.events) == Set(ItemEvent.allCases.map(\.rawValue)), "the model's events are ItemEvent's")
        let swift = Set(ItemTransition.all.map { [$0.from.rawValue, $0.event.rawValue, $0.to.rawValue] })
        let model = Set(table.transitions)
        #expect(table.transitions.count == model.count, "the model lists a transition twice")
        #expect(model.subtracting(swift).isEmpty, "in the model, not in ItemTransition.all: \(model.subtracting(swift))")
        #expect(swift.subtracting(model).isEmpty, "in ItemTransition.all, not in the model: \(swift.subtracting(model))")
        #expect(!model.isEmpty)
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
        INSERT INTO campaigns (id, mch_id, wxappid, act_name, wishing, remark, send_name, nick_name, scene_id,
            recipients_path, recipients_sha256, recipients_encoding, extra_columns, item_count, first_item_id,
            last_item_id, total_amount, imported_at) VALUES ('c1', '10000098', 'wx8888888888888888', 'a', 'w', 'r', 's', 'n', '', 'r.csv', '',
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
        let unclaimed = await ledger.unclaimed("c1", after: 0, limit: 1)
        let numbers = await ledger.merchant.billNumbers(1, site: 0, now: Date())
        let item = try #require(try await ledger.claim(unclaimed, numbers: numbers, now: Date()).first)
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

    // MARK: the checker bites

    /// A bug planted in a copy of the model, the property whose search must fail (every
    /// search also checks the model's assertions), and the text of pan's report that names
    /// what broke.
    struct Mutant: Sendable, CustomTestStringConvertible {
        var name: String
        var original: String
        var replacement: String
        var searched: String
        var evidence: String

        var testDescription: String { name }
    }

    static let mutants = [
        Mutant(
            name: "FATAL_ERROR marks the item failed without settling",
            original: ":: a == a_fatal -> record(unknown, retrying, true, false)",
            replacement: ":: a == a_fatal -> record(unpaid, failed, true, false)",
            searched: "failed_means_unpaid", evidence: "paidCount[0]==0"),
        Mutant(
            name: "a retry is sent under a new bill number",
            original: "resend:          exchange(SEND);",
            replacement: """
                resend:          if :: lst == retrying && nextBill < BILLS -> bill[i] = nextBill; nextBill++; b = bill[i] \
                :: else -> skip fi; exchange(SEND);
                """,
            searched: "one_payment_per_item", evidence: "paidCount[0]<=1"),
        Mutant(
            name: "gethbinfo NOT_FOUND is taken as EXPIRED at any age",
            original: ":: a == q_notfound && ag == EXPIRED ->",
            replacement: ":: a == q_notfound ->",
            searched: "failed_means_unpaid", evidence: "paidCount[0]==0"),
        Mutant(
            name: "no lock: a second process works beside the first and writes a change the table lacks",
            original: "#define lockFree (lock == NOBODY)",
            replacement: "#define lockFree true",
            searched: "failed_means_unpaid", evidence: "t_from"),
    ]

    @Test(arguments: mutants)
    func theCheckerFindsAPlantedBug(_ mutant: Mutant) throws {
        let source = try String(contentsOf: Self.model, encoding: .utf8)
        try #require(source.components(separatedBy: mutant.original).count == 2,
                     "the model no longer has, exactly once, the line this mutant changes: \(mutant.original)")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("payout-mutant-\(UUID().uuidString).pml")
        defer { try? FileManager.default.removeItem(at: copy) }
        try source.replacingOccurrences(of: mutant.original, with: mutant.replacement).write(to: copy, atomically: true, encoding: .utf8)

        let (status, output) = try Self.modelcheck("--model", copy.path, "--configuration", "1", mutant.searched)
        try #require(status != 2, "\(output)")
        #expect(status == 1, "spin found no violation of \(mutant.searched):\n\(output)")
        #expect(output.contains("\(mutant.searched) ") && output.contains("VIOLATED"), "\(output)")
        #expect(output.contains(mutant.evidence), "\(output)")
    }

    /// Runs Scripts/modelcheck; its exit status and everything it printed. Status 2 means
    /// spin or gcc is missing, and says to run Scripts/setup-test-tools.
    static func modelcheck(_ arguments: String...) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = root.appendingPathComponent("Scripts/modelcheck")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

extension Ledger {
    /// Raw SQL, for a test that lays out rows no import would write.
    func execute(_ sql: String) throws {
        try db.execute(sql)
    }
}
