import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// `payout reissue` as an operator types it, between runs against the sandbox: items proven
/// unpaid get new bill numbers and are paid exactly once by the next run; everything else —
/// unknown outcomes, unrefunded packets, an unconfirmed or over-budget selection — stays.
@Suite struct ReissueTests {
    static let fastLimits = "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n"

    /// The report's rows by line, each a dictionary by column name.
    static func report(_ folder: CampaignFolder) async throws -> [String: [String: String]] {
        let rows = try CSVTestParser.rows(try await folder.payout("export", "m.yaml").stdout)
        let byName = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(rows[0], $0)) }
        return Dictionary(uniqueKeysWithValues: byName.map { ($0["line"] ?? "", $0) })
    }

    @Test func sendFailedItemsGetNewNumbersAndTheNextRunPaysEachOnce() async throws {
        let folder = try generatedCampaign(count: 40, manifestExtra: Self.fastLimits)
        defer { folder.remove() }
        try await withSandbox({ $0.sendFailedProbability = 0.25 }) { sandbox in
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            let failed = try await withLedger(folder) { try await $0.items("c1") }.filter { $0.state == .failed }
            try #require(failed.count >= 3 && failed.allSatisfy { $0.errCode == "SEND_FAILED" }, "\(failed.count) failed")

            let reissue = try await folder.payout("reissue", "m.yaml", "--yes")
            #expect(reissue.status == 0, "\(reissue.stderr)")
            let amount = Amount(fen: failed.map(\.amount.fen).reduce(0, +))
            #expect(reissue.stdout.contains("reissue c1: \(failed.count) items to pay again under new bill numbers, \(amount) yuan"))
            let byCode = reissue.stdout.split(separator: "\n").first { $0.hasPrefix("  SEND_FAILED") }
            #expect(byCode?.split(separator: " ") == ["SEND_FAILED", "\(failed.count)", "\(amount)"])
            #expect(reissue.stderr.contains("reissued \(failed.count) items (\(amount) yuan) under new bill numbers"))

            sandbox.setFaults()
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
            let items = Dictionary(uniqueKeysWithValues: try await withLedger(folder) { try await $0.items("c1") }.map { ($0.id, $0) })
            let rows = try await Self.report(folder)
            for old in failed {
                let bill = try #require(old.billNumber)
                let now = try #require(items[old.id]?.billNumber)
                #expect(now != bill && items[old.id]?.state == .sent)
                #expect(sandbox.record.requestsByBillNumber[bill] == 1, "a SEND_FAILED number is never sent again")
                #expect(sandbox.record.payments[bill] == nil && sandbox.record.payments[now]?.openid == old.openid)
                #expect(rows["\(old.line)"]?["previous_bill_numbers"] == bill)
                #expect(rows["\(old.line)"]?["mch_billno"] == now)
            }
            #expect(sandbox.record.payments.count == 40, "each recipient paid exactly once")
            #expect(rows.values.filter { $0["previous_bill_numbers"] != "" }.count == failed.count)
        }
    }

    @Test func refundedPacketsArePaidAgainOnlyWhenAsked() async throws {
        let folder = try generatedCampaign(count: 20, manifestExtra: Self.fastLimits)
        defer { folder.remove() }
        let clock = ManualClock(beijing: "2027-02-12 10:00:00")
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            configuration.lifecycle.claimProbability = 0.5
            configuration.lifecycle.claimDelay = 1
            configuration.lifecycle.refundAfter = 3
        }) { sandbox in
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            clock.advance(by: 70)
            #expect(try await reconcileCampaign(folder, against: sandbox).end == .settled)
            let before = try await withLedger(folder) { try await $0.items("c1") }
            let refunded = before.filter { $0.packetStatus == "REFUND" }
            try #require(refunded.count >= 3, "\(refunded.count) refunded")

            let plain = try await folder.payout("reissue", "m.yaml", "--yes")
            #expect(plain.status == 0)
            #expect(plain.stderr.contains("nothing to reissue: no item is proven unpaid"))
            #expect(plain.stdout.contains("\(refunded.count) items, \(Amount(fen: refunded.map(\.amount.fen).reduce(0, +))) yuan: "
                + "refunded (unclaimed): pass --refunded to pay them again"))
            #expect(try await withLedger(folder) { try await $0.items("c1") } == before, "nothing changed")

            let asked = try await folder.payout("reissue", "m.yaml", "--refunded", "--yes")
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
            let rows = try await Self.report(folder)
            for old in refunded {
                let paid = sandbox.record.payments.values.filter { $0.openid == old.openid }
                #expect(paid.count == 2, "line \(old.line): the refunded packet, and the new one")
                #expect(rows["\(old.line)"]?["previous_bill_numbers"] == old.billNumber)
                #expect(rows["\(old.line)"]?["packet_status"] == "", "the new packet is not reconciled yet")
            }
            #expect(sandbox.record.payments.count == 20 + refunded.count)
        }
    }
}

/// What reissue refuses, and how it says so.
@Suite struct ReissueRefusalTests {
    /// A campaign whose run left items with unknown outcomes, and one failed item.
    func withUnknowns(_ body: (CampaignFolder, [Ledger.ItemSnapshot]) async throws -> Void) async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: ReissueTests.fastLimits)
        defer { folder.remove() }
        try await withSandbox({ $0.systemErrorProbability = 1 }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox) { $0.retry.attemptsPerRun = 2 }
            #expect(end == .retriesExhausted(items: 3))
            try await body(folder, try await withLedger(folder) { try await $0.items("c1") })
        }
    }

    @Test func unknownItemsAreNeverReissuedAndCodesThatProveNothingAreRefused() async throws {
        try await withUnknowns { folder, before in
            let result = try await folder.payout("reissue", "m.yaml", "--yes")
            #expect(result.status == 0)
            #expect(result.stdout.contains("3 items, 3.03 yuan: retrying (outcome unknown): payout run settles it under its own bill number"))
            #expect(result.stderr.contains("nothing to reissue: no item is proven unpaid"))
            let codes = try await folder.payout("reissue", "m.yaml", "--codes", "SYSTEMERROR", "--yes")
            #expect(codes.status == 2)
            #expect(codes.stderr.contains("--codes: SYSTEMERROR does not prove an item unpaid; reissue takes BILLNO_CONFLICT, EXPIRED, "
                + "FAILED, MONEY_LIMIT, NO_AUTH, OPENID_ERROR, PARAM_ERROR, RCVDAMOUNT_LIMIT, SENDNUM_LIMIT, SEND_FAILED"))
            let empty = try await folder.payout("reissue", "m.yaml", "--codes", ",")
            #expect(empty.status == 2)
            #expect(empty.stderr.contains("--codes needs at least one err_code, e.g. --codes SEND_FAILED"))
            #expect(try await withLedger(folder) { try await $0.items("c1") } == before)
        }
    }

    /// Three recipients, each answered SEND_FAILED: proven unpaid, 3.03 yuan in all.
    func withFailures(_ body: (CampaignFolder, [Ledger.ItemSnapshot]) async throws -> Void) async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: ReissueTests.fastLimits)
        defer { folder.remove() }
        try await withSandbox({ $0.sendFailedProbability = 1 }) { sandbox in
            #expect(try await runCampaign(folder, against: sandbox) == .complete)
            try await body(folder, try await withLedger(folder) { try await $0.items("c1") })
        }
    }

    @Test func overBudgetIsRefusedAndChangesNothing() async throws {
        try await withFailures { folder, before in
            #expect(before.allSatisfy { $0.state == .failed })
            let manifest = String(decoding: try folder.read("m.yaml"), as: UTF8.self)
            try folder.write("m.yaml", manifest.replacingOccurrences(of: "recipients: r.csv", with: "recipients: r.csv\nbudget: 300"))
            let result = try await folder.payout("reissue", "m.yaml", "--yes")
            #expect(result.status == 2)
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) ==
                "reissue refused: paid and to be paid would come to 3.03 yuan (0.00 yuan already, 3.03 yuan reissued), above the "
                + "manifest's budget of 3.00 yuan; nothing changed. Raise budget in the manifest, or narrow the selection with --codes")
            #expect(try await withLedger(folder) { try await $0.items("c1") } == before)
            let narrowed = try await folder.payout("reissue", "m.yaml", "--codes", "send_failed", "--dry-run")
            #expect(narrowed.status == 2, "SEND_FAILED is all of them: still over budget")
        }
    }

    @Test func withoutATerminalAndWithoutYesNothingChanges() async throws {
        try await withFailures { folder, before in
            let result = try await folder.payout("reissue", "m.yaml")
            #expect(result.status == 2)
            #expect(result.stdout.contains("reissue c1: 3 items to pay again under new bill numbers, 3.03 yuan"))
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) ==
                "payout reissue: no terminal to confirm on, and no --yes: nothing changed. "
                + "Pass --yes to reissue these 3 items, or --dry-run to only list them.")
            let dryRun = try await folder.payout("reissue", "m.yaml", "--dry-run", "--yes")
            #expect(dryRun.status == 0)
            #expect(dryRun.stderr.contains("dry run: nothing changed"))
            #expect(try await withLedger(folder) { try await $0.items("c1") } == before)
        }
    }

    @Test func withoutALedgerItSaysWhatComesFirstAndLeavesNoLockBehind() async throws {
        let folder = try CampaignFolder()
        defer { folder.remove() }
        let result = try await folder.payout("reissue", "m.yaml", "--yes")
        #expect(result.status == 2)
        #expect(result.stderr.contains("m.yaml: no ledger at payout.sqlite: run payout import or payout run first"))
        #expect(!folder.exists("payout.sqlite.lock"))
    }
}
