import Foundation
@testable import PayoutKit
import Testing

/// The registry's rules on a real registry file in a scratch PAYOUT_HOME.
@Suite struct MerchantRegistryTests {
    static func withRegistry<T>(_ body: (MerchantRegistry, PayoutHome) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("payout-registry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = PayoutHome(path: folder.appendingPathComponent("state/payout").path)
        return try await MerchantRegistry.withRegistry(for: "10000098", home: home) { try await body($0, home) }
    }

    static let day = BeijingTime.dateStamp(ReportLedger.morning)

    @Test func payoutHomeFollowsTheEnvironmentAndIsTheOwnersOnly() async throws {
        #expect(PayoutHome(environment: ["PAYOUT_HOME": "/p", "XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/p")
        #expect(PayoutHome(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/x/payout")
        #expect(PayoutHome(environment: ["PAYOUT_HOME": "", "HOME": "/h"]).path == "/h/.local/state/payout")
        try await Self.withRegistry { registry, home in
            let folder = try FileManager.default.attributesOfItem(atPath: home.path)
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            let file = try FileManager.default.attributesOfItem(atPath: registry.path)
            #expect((file[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func numbersOfOneSiteAndDayAreHandedOutOnceAndSitesNeverMeet() async throws {
        try await Self.withRegistry { registry, _ in
            let first = try await registry.billNumbers(3, site: 0, day: Self.day)
            let second = try await registry.billNumbers(2, site: 0, day: Self.day)
            let otherSite = try await registry.billNumbers(1, site: 7, day: Self.day)
            #expect((first + second).map(\.rawValue) == (1...5).map { "10000098\(Self.day)000000000\($0)" })
            #expect(otherSite.map(\.rawValue) == ["10000098\(Self.day)0700000001"])
            #expect(try await registry.billNumbers(1, site: 0, day: "20270213").map(\.rawValue) == ["10000098202702130000000001"],
                    "a new day starts again")
        }
    }

    @Test func processesOpeningANewRegistryAtOnceEachGetTheirOwnNumbers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("payout-registry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = PayoutHome(path: folder.path)
        let open = { @Sendable () async throws -> [BillNumber] in
            try await MerchantRegistry.withRegistry(for: "10000098", home: home) { try await $0.billNumbers(50, site: 0, day: Self.day) }
        }
        async let first = open()
        async let second = open()
        async let third = open()
        let numbers = try await first + second + third
        #expect(Set(numbers).count == 150, "each migration applied once, each number handed out once")
    }

    @Test func aLedgerFromTheFirstReleaseIsLearnedSoNewNumbersPassItsOwn() async throws {
        try await ReportLedger.with(amounts: [100, 200]) { fixture in
            let legacy = "10000098\(Self.day)1230000042"
            try fixture.sql("UPDATE items SET bill_number = '\(legacy)' WHERE id = 1")
            try await Self.withRegistry { registry, _ in
                _ = try await registry.seat(fixture.ledger)
                let next = try await registry.billNumbers(1, site: 12, day: Self.day)
                #expect(next.map(\.rawValue) == ["10000098\(Self.day)1230000043"], "above the prefix-123 number's serial")
                let entries = try await registry.entries()
                #expect(entries.map(\.campaign) == ["c1"], "its campaigns are learned too")
            }
        }
    }

    /// Copy detection reads the ledger the registry met at another path without writing to
    /// it: that file may be in use by another run, or no longer a ledger at all.
    @Test func anotherPathIsReadForItsLedgerIDAndNeverWritten() async throws {
        try await ReportLedger.with(amounts: [100]) { fixture in
            #expect(try Ledger.peekLedgerID(at: fixture.ledger.path) == (try await fixture.ledger.ledgerID()))
            let other = fixture.folder.appendingPathComponent("notes.sqlite").path
            try SQLiteConnection(path: other).execute("CREATE TABLE notes (text TEXT)")
            let before = try Data(contentsOf: URL(fileURLWithPath: other))
            #expect(try Ledger.peekLedgerID(at: other) == nil, "no ledger id in a file that is no ledger")
            #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before, "not migrated, not switched to WAL")
            #expect(!FileManager.default.fileExists(atPath: other + "-wal"))
            let text = fixture.folder.appendingPathComponent("notes.txt")
            try Data("not a database, though big enough to have a header: \(String(repeating: "x", count: 200))".utf8).write(to: text)
            #expect(try Ledger.peekLedgerID(at: text.path) == nil, "no ledger id in a file that is no database")
            let missing = fixture.folder.appendingPathComponent("gone.sqlite").path
            #expect(throws: LedgerError.self) { try Ledger.peekLedgerID(at: missing) }
            #expect(!FileManager.default.fileExists(atPath: missing), "never created")
        }
    }

    @Test func theCampaignRuleNamesTheOtherCampaignAndLedger() async throws {
        try await Self.withRegistry { registry, _ in
            let api = "https://api.mch.weixin.qq.com"
            let register = { (campaign: String, ledger: Int, content: String, endpoint: String, repeatOf: String?) in
                try await registry.register(
                    campaign, ledger: ledger, ledgerPath: "/ledgers/\(ledger).sqlite", recipientsFingerprint: content,
                    endpoint: endpoint, repeatOf: repeatOf, manifest: "m.yaml", now: ReportLedger.morning)
            }
            #expect(try await register("lantern", 1, "aaa", api, nil))
            try await registry.markImported("lantern", ledger: 1)
            await #expect(throws: InputError(file: "m.yaml", line: nil, message:
                "the campaign id lantern is already imported into the ledger /ledgers/1.sqlite: "
                + "a campaign is paid from one ledger only (importing it again would pay everyone twice); "
                + "to go on paying it, run it with --ledger /ledgers/1.sqlite")) {
                try await register("lantern", 2, "bbb", api, nil)
            }
            await #expect(throws: InputError(file: "m.yaml", line: nil, message:
                "a recipients file identical to this one is already imported as campaign lantern into the ledger /ledgers/1.sqlite: "
                + "a campaign is paid from one ledger only (importing it again would pay everyone twice); "
                + "to pay the same list again on purpose, add `repeat_of: lantern` to the manifest")) {
                try await register("march", 2, "aaa", api, nil)
            }
            await #expect(throws: InputError.self, "another campaign of the same ledger counts too") {
                try await register("march", 1, "aaa", api, nil)
            }
            #expect(try await register("march", 2, "aaa", api, "lantern"), "a deliberate repeat of lantern's list")
            await #expect(throws: InputError.self, "repeat_of waives the same list, never the same campaign id elsewhere") {
                try await register("march", 9, "aaa", api, "lantern")
            }
            #expect(try await register("lantern", 3, "aaa", "sandbox", nil), "a sandbox trial is neither refused nor in the way")
            #expect(try await !register("lantern", 1, "aaa", api, nil), "recorded before: an import into ledger 1 tried again")
            #expect(try await registry.entries().map { "\($0.campaign)@\($0.ledgerID)" } == ["lantern@1", "lantern@3", "march@2"])
        }
    }

    @Test func aRegistrationNoLedgerHoldsIsReplacedAtItsPathAndOnlyThere() async throws {
        try await Self.withRegistry { registry, _ in
            let register = { (ledger: Int, path: String) in
                try await registry.register(
                    "lantern", ledger: ledger, ledgerPath: path, recipientsFingerprint: "aaa", endpoint: "https://x",
                    repeatOf: nil, manifest: "m.yaml", now: ReportLedger.morning)
            }
            #expect(try await register(1, "/a/payout.sqlite"), "an import that died before its ledger was linked into place")
            #expect(try await register(2, "/a/payout.sqlite"), "the next attempt at the same path replaces it")
            await #expect(throws: InputError.self, "still being imported: another path must wait for it") { try await register(3, "/b/payout.sqlite") }
            try await registry.markImported("lantern", ledger: 2)
            await #expect(throws: InputError.self, "an imported campaign at that path (a deleted ledger) is never replaced") {
                try await register(4, "/a/payout.sqlite")
            }
        }
    }

    @Test func anImportThatDiedBeforeItsRowsIsCheckedAgainWhenRetried() async throws {
        try await Self.withRegistry { registry, _ in
            let register = { (campaign: String, ledger: Int, content: String, endpoint: String) in
                try await registry.register(
                    campaign, ledger: ledger, ledgerPath: "/ledgers/\(ledger).sqlite", recipientsFingerprint: content,
                    endpoint: endpoint, repeatOf: nil, manifest: "m.yaml", now: ReportLedger.morning)
            }
            #expect(try await register("march", 1, "aaa", "https://x"))
            try await registry.markImported("march", ledger: 1)
            #expect(try await register("april", 2, "bbb", "sandbox"), "a sandbox trial, killed before its rows")
            await #expect(throws: InputError.self, "retried for real with march's list: checked, not waved through") {
                try await register("april", 2, "aaa", "https://x")
            }
        }
    }

    @Test func theQuotaCountsEveryStartOfTheLastMinuteAndAFewTicks() async throws {
        try await Self.withRegistry { registry, _ in
            let start = ReportLedger.morning
            #expect(try await registry.takeStart(now: start, perMinute: 2) == nil)
            #expect(try await registry.takeStart(now: start.addingTimeInterval(30), perMinute: 2) == nil)
            let free = try await registry.takeStart(now: start.addingTimeInterval(59), perMinute: 2)
            #expect(free == start.addingTimeInterval(60.2), "the first start leaves the window 60.2 s after its tick")
            #expect(try await registry.takeStart(now: start.addingTimeInterval(60.1), perMinute: 2) != nil)
            #expect(try await registry.takeStart(now: start.addingTimeInterval(60.2), perMinute: 2) == nil)
        }
    }

    @Test func dailyCapsAdmitWithinTheCapsAndReadmitAfterACrash() async throws {
        try await Self.withRegistry { registry, _ in
            let item = { (id: Int, fen: Int) in UnclaimedItem(id: id, line: id + 1, openid: "o1", amount: Amount(fen: fen), attempts: 0) }
            let caps = DailyCaps(count: 2, amount: Amount(fen: 1000))
            let admitted = try await registry.admit([item(1, 300), item(2, 800), item(3, 700)], ledger: 1, day: Self.day, caps: caps)
            #expect(admitted.map(\.id) == [1, 3], "800 would pass 1000 fen after 300; 700 fits")
            #expect(try await registry.admit([item(1, 300), item(4, 100)], ledger: 1, day: Self.day, caps: caps).map(\.id) == [1],
                    "an item admitted before (a crash before its claim) is admitted again, uncounted; a third is not")
            #expect(try await registry.admit([item(4, 100)], ledger: 2, day: Self.day, caps: caps).isEmpty, "across ledgers")
            #expect(try await registry.admit([item(4, 100)], ledger: 1, day: "20270213", caps: caps).map(\.id) == [4], "a new day")
        }
    }
}
