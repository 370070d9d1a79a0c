import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Testing

/// The item state machine has one list of transitions, `ItemTransition.all`. These tests hold
/// to it the ledger's triggers (reissue's among them), both ledgers' refusals and the Promela
/// model that spin verifies (Scripts/modelcheck, run by Scripts/test), and show that the
/// checker finds a known bug planted in a copy of the model.
@Suite struct ItemStateMachineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let model = root.appendingPathComponent("Sources/PayoutKit/Scheduler/ItemStateMachine.pml")

    static func listed(_ from: ItemState, _ to: ItemState) -> Bool {
        ItemTransition.all.contains { $0.from == from && $0.to == to }
    }

    /// The events that move an item from `from` to `to`, as `ItemTransition.all` lists them.
    static func events(_ from: ItemState, _ to: ItemState) -> Set<ItemEvent> {
        Set(ItemTransition.all.filter { $0.from == from && $0.to == to }.map(\.event))
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

    /// A change of state alone — what an answer, a claim or a release writes — is never
    /// refused for a transition those make, and always refused out of a final state, which
    /// only `reissue` leaves in the table (and only with a new number: the next test); a bill
    /// number never changes on its own.
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
                    let events = Self.events(from, to)
                    #expect(refused == leavesFinal, "the triggers on \(from) → \(to)")
                    if !events.subtracting([.reissue]).isEmpty {
                        #expect(!refused, "the triggers refuse the listed \(from) → \(to) (\(events))")
                    }
                    if leavesFinal {
                        #expect(events.isSubset(of: [.reissue]), "the table lets a final item change other than by reissue: \(from) → \(to)")
                    }
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

    /// The proof `reissue` needs in an item of each state, where one can exist: a failure whose
    /// err_code proves the item unpaid, a sent item's refunded packet.
    static func proof(_ state: ItemState) -> (errCode: String?, packet: String?) {
        switch state {
        case ItemTransition.reissueUnpaid.from: return ("SEND_FAILED", nil)
        case ItemTransition.reissueRefunded.from: return (nil, "REFUND")
        default: return (nil, nil)
        }
    }

    /// What `Ledger.reissue` writes, in one transaction: the `bill_history` row that keeps the
    /// item's number and names `named`, then the item's new number and state. Whether the
    /// ledger took it (a refusal rolls all of it back).
    static func reissue(
        _ db: SQLiteConnection, item id: Int, to state: ItemState, history: Bool = true, named: String, number: String? = nil
    ) -> Bool {
        var statements = ["UPDATE items SET bill_number = '\(number ?? named)', state = '\(state)' WHERE id = \(id)"]
        if history {
            statements.insert("""
                INSERT INTO bill_history (item_id, bill_number, replaced_by, state, err_code, err_code_des, attempts, packet_status,
                    replaced_at, reason)
                SELECT id, bill_number, '\(named)', state, err_code, err_code_des, 1, packet_status, 'now', 'test' FROM items WHERE id = \(id)
                """, at: 0)
        }
        do {
            try db.transaction { () throws -> Void in
                for statement in statements { try db.execute(statement) }
            }
            return true
        } catch {
            return false
        }
    }

    /// The triggers allow a new bill number with a change of state exactly for the reissue
    /// transitions of the table, and only with a `bill_history` row that proves the item unpaid
    /// under its number and names the new one: for every pair of states, the proof laid out
    /// where a state can hold one, history row and new number in one transaction are taken
    /// exactly when `ItemTransition.all` lists the pair under `reissue`. For each listed
    /// reissue, refused: without the history row, keeping the old number, under a number
    /// other than the row names, without the proof, and under a number already retired.
    @Test func theTriggersAllowAReissueOnlyWithAHistoryRowAndANewNumber() throws {
        #expect(Set(ItemTransition.reissues.map(\.from)) == [.failed, .sent])
        #expect(Set(ItemTransition.reissues.map(\.to)) == [.pending])
        try Self.withSchema { db in
            var id = 0
            func insert(_ state: ItemState, errCode: String? = nil, message: String? = nil, packet: String? = nil) throws -> Int {
                id += 1
                let text = { (value: String?) in value.map { "'\($0)'" } ?? "NULL" }
                try db.execute("""
                    INSERT INTO items (id, campaign_id, line, openid, amount, state, bill_number, err_code, err_code_des, packet_status)
                    VALUES (\(id), 'c1', \(id), 'o', 100, '\(state)', 'B\(id)', \(text(errCode)), \(text(message)), \(text(packet)))
                    """)
                return id
            }
            func row(_ id: Int) throws -> [String?] {
                try db.prepare("SELECT bill_number, state FROM items WHERE id = \(id)").rows { [$0.text(0), $0.text(1)] }.first ?? []
            }

            for from in ItemState.allCases {
                for to in ItemState.allCases {
                    let proof = Self.proof(from)
                    let item = try insert(from, errCode: proof.errCode, packet: proof.packet)
                    let listed = Self.events(from, to).contains(.reissue)
                    #expect(Self.reissue(db, item: item, to: to, named: "N\(item)") == listed,
                            "a new number with a history row, \(from) → \(to): \(listed ? "refused" : "taken")")
                    #expect(try row(item) == (listed ? ["N\(item)", to.rawValue] : ["B\(item)", from.rawValue]))
                }
            }

            for transition in ItemTransition.reissues {
                let proof = Self.proof(transition.from)
                let item = try insert(transition.from, errCode: proof.errCode, packet: proof.packet)
                #expect(!Self.reissue(db, item: item, to: transition.to, history: false, named: "N\(item)"),
                        "\(transition.from): a new number without a history row")
                #expect(!Self.reissue(db, item: item, to: transition.to, named: "N\(item)", number: "B\(item)"),
                        "\(transition.from): back to \(transition.to) under the old number")
                #expect(!Self.reissue(db, item: item, to: transition.to, named: "N\(item)", number: "O\(item)"),
                        "\(transition.from): under a number the history row does not name")
                #expect(try row(item) == ["B\(item)", transition.from.rawValue])
                #expect(Self.reissue(db, item: item, to: transition.to, named: "N\(item)"))

                let reused = try insert(transition.from, errCode: proof.errCode, packet: proof.packet)
                #expect(!Self.reissue(db, item: reused, to: transition.to, named: "B\(item)"),
                        "\(transition.from): under a number reissue retired")
                #expect(try row(reused) == ["B\(reused)", transition.from.rawValue])
            }

            let unproven: [(ItemState, errCode: String?, message: String?, packet: String?)] = [
                (.failed, "FATAL_ERROR", nil, nil),
                (.failed, nil, nil, nil),
                (.failed, "PARAM_ERROR", "该订单已经过期，请更换商户单号", nil),
                (.sent, nil, nil, nil),
                (.sent, nil, nil, "SENT"),
                (.sent, nil, nil, "RECEIVED"),
                (.sent, nil, nil, "RFUND_ING"),
            ]
            for (state, errCode, message, packet) in unproven {
                let item = try insert(state, errCode: errCode, message: message, packet: packet)
                #expect(Self.listed(state, .pending))
                #expect(!Self.reissue(db, item: item, to: .pending, named: "N\(item)"),
                        "\(state) \(errCode ?? "") \(packet ?? ""): no proof of non-payment")
                #expect(try row(item) == ["B\(item)", state.rawValue])
            }
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
            #expect(Self.events(.sent, .pending) == [.reissue], "reissue, which no answer may do")
            await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from sent to pending: not in ItemTransition.all")) {
                try await ledger.record([Self.record(1, bill, .pending)])
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
        #expect(Self.events(.failed, .pending) == [.reissue], "reissue, which no answer may do")
        await #expect(throws: LedgerError("ledger: an answer cannot move item 1 from failed to pending: not in ItemTransition.all")) {
            try await ledger.record([Self.record(1, item.billNumber, .pending)])
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
        /// Scripts/modelcheck's configuration: 3 is the one with a reissue.
        var configuration = 1

        var testDescription: String { name }
    }

    static let mutants = [
        Mutant(
            name: "FATAL_ERROR marks the item failed without settling",
            original: ":: a == a_fatal -> record(unknown, retrying, true, false)",
            replacement: ":: a == a_fatal -> record(unpaid, failed, true, false)",
            searched: "failed_means_unpaid", evidence: "(paidBills[0]&(1<<bill[0]))==0"),
        Mutant(
            name: "a retry is sent under a new bill number",
            original: "resend:          exchange(SEND);",
            replacement: """
                resend:          if :: lst == retrying && nextBill < BILLS -> bill[i] = nextBill; nextBill++; b = bill[i] \
                :: else -> skip fi; exchange(SEND);
                """,
            searched: "one_payment_per_item", evidence: "paidCount[0]<=(1+refundCount[0])"),
        Mutant(
            name: "gethbinfo NOT_FOUND is taken as EXPIRED at any age",
            original: ":: a == q_notfound && ag == EXPIRED ->",
            replacement: ":: a == q_notfound ->",
            searched: "failed_means_unpaid", evidence: "(paidBills[0]&(1<<bill[0]))==0"),
        Mutant(
            name: "no lock: a second process works beside the first and writes a change the table lacks",
            original: "#define lockFree (lock == NOBODY)",
            replacement: "#define lockFree true",
            searched: "failed_means_unpaid", evidence: "t_from"),
        Mutant(
            name: "reissue takes a failed item whose failure does not prove it unpaid (the first release's FATAL_ERROR)",
            original: "((st[i] == failed && proven[i]) ||",
            replacement: "((st[i] == failed) ||",
            searched: "one_payment_per_item", evidence: "paidCount[0]<=(1+refundCount[0])", configuration: 3),
        Mutant(
            name: "reissue takes a sent item whose packet was not refunded",
            original: "(st[i] == sent && rec[bill[i]] == REFUNDED && owner[bill[i]] == i))",
            replacement: "(st[i] == sent && paidRecord(bill[i]) && owner[bill[i]] == i))",
            searched: "paid_under_its_bill_number", evidence: "retired&refunded", configuration: 3),
        Mutant(
            name: "reissue keeps the item's bill number",
            original: "retired = retired | (1 << bill[i]); bill[i] = nextBill; nextBill++;",
            replacement: "retired = retired | (1 << bill[i]);",
            searched: "retired_numbers_stay_retired", evidence: "retired&(1<<bill[0])", configuration: 3),
    ]

    @Test(arguments: mutants)
    func theCheckerFindsAPlantedBug(_ mutant: Mutant) async throws {
        let source = try String(contentsOf: Self.model, encoding: .utf8)
        try #require(source.components(separatedBy: mutant.original).count == 2,
                     "the model no longer has, exactly once, the line this mutant changes: \(mutant.original)")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("payout-mutant-\(UUID().uuidString).pml")
        defer { try? FileManager.default.removeItem(at: copy) }
        try source.replacingOccurrences(of: mutant.original, with: mutant.replacement).write(to: copy, atomically: true, encoding: .utf8)

        let (status, output) = try await Self.modelcheck("--model", copy.path, "--configuration", "\(mutant.configuration)", mutant.searched)
        try #require(status != 2, "\(output)")
        #expect(status == 1, "spin found no violation of \(mutant.searched):\n\(output)")
        #expect(output.contains("\(mutant.searched) ") && output.contains("VIOLATED"), "\(output)")
        #expect(output.contains(mutant.evidence), "\(output)")
    }

    /// Runs Scripts/modelcheck; its exit status and everything it printed. Status 2 means
    /// spin or gcc is missing, and says to run Scripts/setup-test-tools.
    static func modelcheck(_ arguments: String...) async throws -> (Int32, String) {
        let (status, output) = try await runToCompletion(root.appendingPathComponent("Scripts/modelcheck"), arguments)
        return (status, String(decoding: output, as: UTF8.self))
    }
}

extension Ledger {
    /// Raw SQL, for a test that lays out rows no import would write.
    func execute(_ sql: String) throws {
        try db.execute(sql)
    }
}
