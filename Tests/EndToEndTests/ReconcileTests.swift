import Foundation
import Glibc
import PayoutKit
import RedpackSandbox
import Testing

/// `reconcile` against the sandbox's own record of claims and refunds: what the ledger, the
/// status and the report say of each packet is what the sandbox says, a contradiction is
/// never applied, and a pass killed midway loses nothing and asks no settled packet twice.
@Suite struct ReconcileTests {
    /// Packets claimed with probability 0.7 a second after payment, the rest refunded after
    /// three (RFUND_ING for a minute), on a clock the test moves: `--claim 0.7:1 --refund-after 3`.
    func withClaims(_ body: (RedpackSandbox, ManualClock) async throws -> Void) async throws {
        let clock = ManualClock(beijing: "2027-02-12 10:00:00")
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            configuration.lifecycle.claimProbability = 0.7
            configuration.lifecycle.claimDelay = 1
            configuration.lifecycle.refundAfter = 3
        }) { sandbox in
            try await body(sandbox, clock)
        }
    }

    @Test func reconcileUntilSettledRecordsExactlyWhatTheSandboxRecorded() async throws {
        let count = 60
        let folder = try generatedCampaign(count: count, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withClaims { sandbox, clock in
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            let probed = sandbox.record.queriesByBillNumber
            var ends: [ReconcileEnd] = []
            // Paid at +0; claims at +1; refunds start at +3 and end at +63.
            for step: TimeInterval in [0, 2, 3, 60] {
                clock.advance(by: step)
                ends.append(try await reconcileCampaign(folder, against: sandbox).end)
            }
            let truth = sandbox.record.packets(at: sandbox.now)
            let claimed = truth.values.filter { $0.status == .received }.count
            #expect((count * 5 / 10...count * 9 / 10).contains(claimed), "70% ± noise claimed: \(claimed) of \(count)")
            #expect(ends == [.unsettled(count), .unsettled(count - claimed), .unsettled(count - claimed), .settled])

            let items = try await withLedger(folder) { try await $0.items("c1") }
            for item in items {
                let bill = try #require(item.billNumber)
                #expect(Self.recorded(item) == Self.expected(truth[bill]), "line \(item.line)")
                let asked = sandbox.record.queriesByBillNumber[bill].map { $0 - probed[bill, default: 0] }
                #expect(asked == (truth[bill]?.status == .received ? 2 : 4), "line \(item.line): settled packets are never asked again")
            }
            try await Self.expectFigures(of: folder, match: truth, items: items)
        }
    }

    /// status --json and the exported report, against the sandbox's record.
    static func expectFigures(of folder: CampaignFolder, match truth: [String: PacketState], items: [Ledger.ItemSnapshot]) async throws {
        let amount = Dictionary(uniqueKeysWithValues: items.map { ($0.billNumber ?? "", $0.amount.fen) })
        let received = truth.filter { $0.value.status == .received }
        let refunds = truth.values.compactMap { if case .refunded(_, let fen) = $0 { fen } else { nil } }
        let status = try await folder.payout("status", "m.yaml", "--json")
        let packets = try #require(try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any])["packets"] as? [String: Any]
        let figures = { (name: String) in packets?[name] as? [String: Any] }
        #expect(figures("claimed")?["count"] as? Int == received.count)
        #expect(figures("claimed")?["amount_fen"] as? Int == received.keys.map { amount[$0] ?? 0 }.reduce(0, +))
        #expect(figures("refunded")?["count"] as? Int == refunds.count)
        #expect(figures("refunded")?["amount_fen"] as? Int == refunds.reduce(0, +))
        #expect(figures("not_yet_claimed")?["count"] as? Int == 0)
        #expect(packets?["discrepancies"] as? Int == 0)
        #expect(packets?["last_reconciled"] is String)

        let export = try CSVTestParser.rows(try await folder.payout("export", "m.yaml").stdout)
        let header = export[0]
        let column = { (row: [String], name: String) -> String? in
            let cell = row[header.firstIndex(of: name)!]
            return cell.isEmpty ? nil : cell
        }
        #expect(header.suffix(6) == ["packet_status", "received_at", "refunded_at", "refund_amount", "previous_bill_numbers", "shop"])
        for row in export.dropFirst() {
            let expected = expected(truth[column(row, "mch_billno") ?? ""])
            let found = Recorded(status: column(row, "packet_status"), receivedAt: column(row, "received_at"),
                                 refundedAt: column(row, "refunded_at"), refundAmount: column(row, "refund_amount").flatMap { Int($0) })
            #expect(found == expected, "report line \(row[0])")
        }
    }

    struct Recorded: Equatable {
        var status: String?
        var receivedAt: String?
        var refundedAt: String?
        var refundAmount: Int?
    }

    static func recorded(_ item: Ledger.ItemSnapshot) -> Recorded {
        Recorded(status: item.packetStatus, receivedAt: item.receivedAt, refundedAt: item.refundedAt, refundAmount: item.refundAmount)
    }

    /// What the ledger must hold of a packet the sandbox says is `state`.
    static func expected(_ state: PacketState?) -> Recorded {
        switch state {
        case .received(let at): Recorded(status: "RECEIVED", receivedAt: BeijingTime.iso8601(at))
        case .refunded(let at, let amount): Recorded(status: "REFUND", refundedAt: BeijingTime.iso8601(at), refundAmount: amount)
        case .refunding: Recorded(status: "RFUND_ING")
        case .sent: Recorded(status: "SENT")
        case nil: Recorded()
        }
    }

    @Test func aContradictingAnswerIsADiscrepancyNeverApplied() async throws {
        let folder = try generatedCampaign(count: 3)
        defer { folder.remove() }
        try await withSandbox({ configuration in
            configuration.lifecycle.claimProbability = 1
            configuration.lifecycle.claimDelay = 0
        }) { sandbox in
            let environment = try folder.point(at: sandbox)
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            let probed = sandbox.record.queriesByBillNumber
            let forged = try await withLedger(folder) { try await $0.items("c1") }[1]
            let bill = try #require(forged.billNumber)
            sandbox.forceQueryStatus(billNumber: bill, status: .failed)

            let first = try await folder.payout("reconcile", "m.yaml", environment: environment)
            #expect(first.status == 75, "\(first.stderr)")
            #expect(first.stderr.contains("discrepancy: line \(forged.line) \(forged.openid) \(bill): gethbinfo FAILED: "
                + "gethbinfo says FAILED (发放失败), but the ledger holds the item as sent"))
            #expect(first.stdout.contains("discrepancies: 1 (gethbinfo contradicts the ledger; nothing was applied"))
            let after = try await withLedger(folder) { try await $0.items("c1") }
            #expect(after[1].state == .sent && after[1].packetStatus == nil && after[1].billNumber == bill, "never applied")
            #expect(after.filter { $0.packetStatus == "RECEIVED" }.count == 2)

            sandbox.forceQueryStatus(billNumber: bill, status: nil)
            let second = try await folder.payout("reconcile", "m.yaml", "--json", environment: environment)
            #expect(second.status == 0, "\(second.stderr)")
            let outcome = try #require(try JSONSerialization.jsonObject(with: second.stdoutData) as? [String: Any])
            #expect(outcome["asked"] as? Int == 1, "only the packet still unsettled")
            #expect((outcome["packets"] as? [String: Any])?["discrepancies"] as? Int == 1, "the contradiction stays on record")
            let asked = sandbox.record.queriesByBillNumber.map { $1 - probed[$0, default: 0] }
            #expect(asked.sorted() == [1, 1, 2], "beside the run's gethbinfo of its first number")
        }
    }
}

/// `payout reconcile` as a process, killed without warning and run again.
@Suite struct ReconcileCrashTests {
    @Test func aKilledPassResumesLosingNothingAndAskingNoSettledPacketTwice() async throws {
        let count = 150
        let (folder, sandbox) = try await CampaignFolder.external(
            count: count, sandboxArguments: ["--claim", "0.7:1", "--refund-after", "3", "--seed", "11"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        #expect(try await folder.payout("run", "m.yaml", "--quiet", environment: sandbox.environment).status == 0)
        let probed = try sandbox.queries()
        try await Task.sleep(for: .seconds(2))
        let killed = try PayoutProcess.start(["reconcile", "m.yaml"], in: folder.url, environment: sandbox.environment)
        let deadline = Date().addingTimeInterval(30)
        while (try sandbox.queries().count) < 30, killed.process.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(killed.process.processIdentifier, SIGKILL)
        await killed.exited()
        _ = killed.result()
        let beforeResume = try await withLedger(folder) { try await $0.items("c1") }
        let settled = beforeResume.filter { $0.packetStatus == "RECEIVED" }.compactMap(\.billNumber)
        #expect(!settled.isEmpty, "the killed pass committed answers")
        #expect(beforeResume.contains { $0.packetStatus == nil }, "and was killed midway")

        let resumed = try await folder.payout("reconcile", "m.yaml", environment: sandbox.environment)
        #expect([0, 75].contains(resumed.status), "\(resumed.stderr)")
        let answers = try sandbox.queries().mapValues { Array($0) }.reduce(into: [String: [String]]()) { answers, entry in
            answers[entry.key] = Array(entry.value.dropFirst(probed[entry.key]?.count ?? 0))
        }
        for bill in settled {
            #expect(answers[bill] == ["RECEIVED"], "\(bill) was settled before the kill: asked once, never again")
        }
        let items = try await withLedger(folder) { try await $0.items("c1") }
        for item in items {
            let bill = try #require(item.billNumber)
            #expect(item.packetStatus != nil && item.packetStatus == answers[bill]?.last, "line \(item.line): the last answer is recorded")
        }
        let claimed = items.filter { $0.packetStatus == "RECEIVED" }.count
        #expect((count * 5 / 10...count * 9 / 10).contains(claimed), "70% ± noise claimed: \(claimed) of \(count)")
    }

    @Test func ctrlCFinishesAndRecordsTheQueriesInFlight() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 100, sandboxArguments: ["--latency", "200"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        #expect(try await folder.payout("run", "m.yaml", "--quiet", environment: sandbox.environment).status == 0)
        let reconcile = try PayoutProcess.start(["reconcile", "m.yaml"], in: folder.url, environment: sandbox.environment)
        let deadline = Date().addingTimeInterval(30)
        while (try sandbox.queries().count) < 20, reconcile.process.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        reconcile.process.interrupt()
        await reconcile.exited()
        let result = reconcile.result()
        #expect(reconcile.process.terminationStatus == 75, "\(result.stderr)")
        #expect(result.stderr.contains("stopped: interrupted; the queries in flight were finished and recorded. Run again to resume."))
        let answered = try sandbox.queries()
        let items = try await withLedger(folder) { try await $0.items("c1") }
        let recorded = items.filter { $0.packetStatus != nil }.compactMap(\.billNumber)
        #expect(Set(recorded) == Set(answered.keys), "every query the server answered before the exit is recorded")
        #expect(recorded.count < items.count, "and the pass stopped early")
    }
}

/// The demo's bundled sandbox (`endpoint: sandbox`) between commands.
@Suite struct BundledSandboxTests {
    @Test func itRemembersWhatItPaidBesideTheLedgerAndForgetsItWithTheLedger() async throws {
        let folder = try generatedCampaign(count: 20)
        defer { folder.remove() }
        #expect(try await folder.payout("run", "m.yaml", "--quiet").status == 0)
        let state = folder.url.appendingPathComponent("payout.sqlite.sandbox")
        let mode = try FileManager.default.attributesOfItem(atPath: state.path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "it holds recipients' data")

        let reconcile = try await folder.payout("reconcile", "m.yaml", "--json")
        let outcome = try #require(try JSONSerialization.jsonObject(with: reconcile.stdoutData) as? [String: Any])
        #expect(outcome["asked"] as? Int == 20)
        #expect(outcome["unanswered"] as? Int == 0, "a later sandbox knows every packet an earlier one paid")

        for file in ["payout.sqlite", "payout.sqlite-wal", "payout.sqlite-shm"] where folder.exists(file) {
            try FileManager.default.removeItem(at: folder.url.appendingPathComponent(file))
        }
        #expect(try await folder.payout("run", "m.yaml", "--quiet").status == 0)
        let lines = try String(contentsOf: state, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20, "a new ledger meets a new sandbox")
    }
}
