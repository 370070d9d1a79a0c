import Foundation
import PayoutKit
import PayoutTestSupport
import RedpackSandbox
import Testing

/// The contract's "Over time" against the sandbox over real TLS, on a virtual clock the run
/// and the sandbox share: FATAL_ERROR settled with gethbinfo, bill numbers that age, clocks
/// that disagree, and set-up refusals that must stop a run instead of failing a campaign.
@Suite struct OverTimeTests {
    static let daytime = "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n"
    /// 10:00 Beijing time.
    static let morning = Date(timeIntervalSince1970: 1_802_412_000)

    /// Every item of `folder` after a first run that left each one unknown under its bill number.
    static func leaveUnknown(_ folder: CampaignFolder, _ sandbox: RedpackSandbox, clock: any RunClock = SystemClock()) async throws -> [Ledger.ItemSnapshot] {
        let first = try await runCampaign(folder, against: sandbox, clock: clock) { $0.retry.attemptsPerRun = 1 }
        #expect(first == .retriesExhausted(items: 3))
        sandbox.setFaults()
        return try await withLedger(folder) { try await $0.items("c1") }
    }

    @Test func fatalErrorForOurOwnPaymentIsSettledAsSent() async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: Self.daytime)
        defer { folder.remove() }
        try await withSandbox({ $0.lostProbability = 1 }) { sandbox in
            _ = try await Self.leaveUnknown(folder, sandbox)
            // libcurl itself sends a request again, once, when a reused connection dies before
            // any answer: the same bill number, so only the count after the first run matters.
            let lostSends = sandbox.record.requestsByBillNumber
            let end = try await runCampaign(folder, against: sandbox, clientIP: "10.0.0.7")
            #expect(end == .complete)
            #expect((sandbox.record.outcomes["FATAL_ERROR"] ?? 0) == 3, "the changed client_ip made the re-sends FATAL_ERROR")
            #expect(sandbox.record.requestsByBillNumber == lostSends.mapValues { $0 + 1 }, "one FATAL_ERROR each, then gethbinfo")
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
        }
    }

    /// Two ledgers of one merchant whose registries differ (another machine with the same
    /// site, a lost PAYOUT_HOME) hand out the same numbers: the second run's gethbinfo of its
    /// first new number finds the first ledger's payment, and nothing is sent.
    @Test func aNumberAnotherLedgerPaidStopsTheRunBeforeAnySend() async throws {
        let first = try generatedCampaign(count: 4, amount: 100, manifestExtra: Self.daytime)
        let second = try generatedCampaign(count: 4, amount: 200, manifestExtra: Self.daytime)
        defer {
            first.remove()
            second.remove()
        }
        try await withSandbox { sandbox in
            #expect(try await runCampaign(first, against: sandbox) == .complete)
            let taken = try #require(try await withLedger(first) { try await $0.items("c1") }.first?.billNumber)
            let end = try await runCampaign(second, against: sandbox)
            #expect(end == .merchantRefused(.billNumberInUse(try #require(BillNumber(taken)))))
            let items = try await withLedger(second) { try await $0.items("c1") }
            #expect(items.allSatisfy { $0.state == .pending && $0.billNumber == nil }, "no item was given the known number")
            #expect(sandbox.record.requests == 4, "only the first ledger's sends")
            #expect(Set(sandbox.record.payments.values.map(\.amount)) == [100, 101, 102, 103])
        }
    }

    @Test(arguments: [false, true])
    func anItemUnknownForADayIsSettledNotResent(paid: Bool) async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: Self.daytime)
        defer { folder.remove() }
        let clock = VirtualClock(start: Self.morning)
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            if paid { configuration.lostProbability = 1 } else { configuration.systemErrorProbability = 1 }
        }) { sandbox in
            _ = try await Self.leaveUnknown(folder, sandbox, clock: clock)
            let firstRunSends = sandbox.record.requestsByBillNumber
            clock.advance(by: .seconds(25 * 3600))
            #expect(try await runCampaign(folder, against: sandbox, clock: clock) == .complete)
            let items = try await withLedger(folder) { try await $0.items("c1") }
            #expect(items.allSatisfy { paid ? $0.state == .sent : ($0.state == .failed && $0.errCode == "EXPIRED") })
            #expect(sandbox.record.requestsByBillNumber == firstRunSends, "settled by gethbinfo, never re-sent")
            #expect(sandbox.record.payments.count == (paid ? 3 : 0))
        }
    }

    /// Local quiet window 01:00–07:00, the server's 00:00–08:00, 00:30 Beijing time.
    @Test func timeLimitedWhileTheLocalWindowIsOpenIsProbedNotBurst() async throws {
        let folder = try generatedCampaign(count: 10, manifestExtra: "limits:\n  per_minute: 1800\n  quiet_hours: \"01:00-07:00\"\n")
        defer { folder.remove() }
        let halfPastMidnight = Date(timeIntervalSince1970: 1_802_363_400)
        let clock = VirtualClock(start: halfPastMidnight)
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            configuration.quietHours = .default
        }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock)
            #expect(end == .complete)
            let refused = sandbox.record.outcomes["TIME_LIMITED"] ?? 0
            #expect(refused <= 20, "a first wave, then one probe per back-off step, not a stream for 7.5 h: \(refused) TIME_LIMITED answers")
            let eight = QuietHours.default.end(after: halfPastMidnight)
            #expect(sandbox.record.payments.values.allSatisfy { $0.paidAt >= eight })
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
        }
    }

    @Test func fiveSetUpRefusalsInARowStopTheRunAndTheRestIsUntouched() async throws {
        let folder = try generatedCampaign(count: 100, manifestExtra: "limits:\n  per_minute: 1800\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ configuration in
            configuration.minimumAmount = 10
            configuration.maximumAmount = 50
        }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            guard case .merchantRefused(.repeatedFailure(ErrorCode("MONEY_LIMIT"), _, 5)) = end else {
                Issue.record("expected the run to stop after five MONEY_LIMIT answers, got \(end)")
                return
            }
            let items = try await withLedger(folder) { try await $0.items("c1") }
            let failed = items.filter { $0.state == .failed }
            #expect(failed.count >= 5 && failed.count < 5 + InFlightWindow.defaultBounds.upperBound,
                    "the five, and those already in flight")
            #expect(failed.count == sandbox.record.requests)
            #expect(items.filter { $0.attempts == 0 }.count == 100 - failed.count, "the rest was never sent")
        }
    }
}

/// Runs one statement on a ledger file with the sqlite3 shell, `other` attached: how a test
/// forces what the ledger would never do by itself.
func sqlite(_ path: String, _ statement: String, attach other: String) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, "ATTACH '\(other)' AS other; \(statement);"]
    try await ProcessExit(running: process).exited()
    #expect(process.terminationStatus == 0)
}
