import Foundation
import PayoutKit
import PayoutTestSupport
import RedpackSandbox
import Testing

/// The run against the sandbox over real TLS: everyone paid exactly once, whatever fails.
@Suite struct RunTests {
    @Test func cleanRunPaysEveryoneOnce() async throws {
        let folder = try generatedCampaign(count: 120, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                #expect(try await checkInvariants(ledger, sandbox: sandbox.record) == [])
                #expect(sandbox.record.payments.count == 120)
                #expect(sandbox.record.requests == 120, "no request was sent twice")
                let status = try #require(try await ledger.status("c1"))
                #expect(status.tally(.sent).count == 120)
                #expect(status.tally(.sent).amount.fen == sandbox.record.paidTotal)
            }
        }
    }

    @Test func faultsNeverPayTwiceOrChangeABillNumber() async throws {
        let folder = try generatedCampaign(count: 200, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ configuration in
            configuration.systemErrorProbability = 0.10
            configuration.lostProbability = 0.05
            configuration.latency = .milliseconds(20)
            configuration.latencyJitter = .milliseconds(15)
        }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                let record = sandbox.record
                #expect((record.outcomes["SYSTEMERROR"] ?? 0) > 0)
                #expect((record.outcomes["LOST"] ?? 0) > 0)
                #expect(try await checkInvariants(ledger, sandbox: record) == [])
                #expect(record.payments.count == 200)
                let attempts = try await ledger.attemptBillNumbers("c1")
                #expect(attempts.values.contains { $0.count > 1 }, "some items were retried")
            }
        }
    }

    @Test func notEnoughMoneyStopsTheRunAndARerunCompletes() async throws {
        let folder = try generatedCampaign(count: 200, amount: 100, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.balance = 3000 }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            guard case .merchantRefused(.refused(ErrorCode("NOTENOUGH"), _)) = end else {
                Issue.record("expected NOTENOUGH, got \(end)")
                return
            }
            let billsBefore = try await withLedger(folder) { ledger in
                let items = try await ledger.items("c1")
                #expect(items.filter { $0.state == .failed }.isEmpty, "NOTENOUGH fails no item")
                #expect(items.filter { $0.state == .sent }.count == sandbox.record.payments.count)
                #expect(items.contains { $0.state == .pending && $0.billNumber == nil }, "the rest is untouched")
                #expect(try await checkInvariants(ledger, sandbox: sandbox.record, expectAllSent: false) == [])
                return Dictionary(uniqueKeysWithValues: items.compactMap { item in item.billNumber.map { (item.id, $0) } })
            }

            sandbox.setBalance(nil)
            let rerun = try await runCampaign(folder, against: sandbox)
            try await withLedger(folder) { reopened in
                #expect(rerun == .complete)
                #expect(try await checkInvariants(reopened, sandbox: sandbox.record) == [])
                for item in try await reopened.items("c1") where billsBefore[item.id] != nil {
                    #expect(item.billNumber == billsBefore[item.id], "a refused item keeps its bill number")
                }
            }
        }
    }

    /// 03:30 Beijing time on the virtual clock.
    static let nightTime = Date(timeIntervalSince1970: 1_802_374_200)

    @Test func quietWindowWithNoWaitSendsNothing() async throws {
        let folder = try generatedCampaign(count: 10, manifestExtra: "limits:\n  per_minute: 60000\n")
        defer { folder.remove() }
        let clock = VirtualClock(start: Self.nightTime)
        try await withSandbox({ $0.now = { clock.now() } }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock) { $0.noWait = true }
            try await withLedger(folder) { ledger in
                guard case .quietWindow(let until) = end else {
                    Issue.record("expected the quiet window, got \(end)")
                    return
                }
                #expect(BeijingTime.clockTime(until) == "08:00")
                #expect(sandbox.record.requests == 0)
                let status = try #require(try await ledger.status("c1"))
                #expect(status.tally(.pending).count == 10)
            }
        }
    }

    @Test func finishedCampaignIsCompleteEvenInTheQuietWindow() async throws {
        let folder = try generatedCampaign(count: 5, manifestExtra: "limits:\n  per_minute: 60000\n")
        defer { folder.remove() }
        let daytime = VirtualClock(start: Self.nightTime.addingTimeInterval(6 * 3600))
        try await withSandbox { sandbox in
            #expect(try await runCampaign(folder, against: sandbox, clock: daytime) == .complete)
            let again = try await runCampaign(folder, against: sandbox, clock: VirtualClock(start: Self.nightTime)) {
                $0.noWait = true
            }
            #expect(again == .complete, "every item is final: exit 0, not the quiet window's 75")
            #expect(sandbox.record.requests == 5)
        }
    }

    @Test func quietWindowPausesUntilEightThenCompletes() async throws {
        let folder = try generatedCampaign(count: 10, manifestExtra: "limits:\n  per_minute: 60000\n")
        defer { folder.remove() }
        let clock = VirtualClock(start: Self.nightTime)
        try await withSandbox({ $0.now = { clock.now() } }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                let eight = QuietHours.default.end(after: Self.nightTime)
                #expect(sandbox.record.payments.values.allSatisfy { $0.paidAt >= eight }, "nothing was sent before 08:00 Beijing")
                let violations = try await checkInvariants(ledger, sandbox: sandbox.record)
                #expect(violations == [])
            }
        }
    }

    @Test func serverTimeLimitedPausesTheRun() async throws {
        let folder = try generatedCampaign(count: 5, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        let clock = VirtualClock(start: Self.nightTime)
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            configuration.quietHours = .default
        }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                #expect((sandbox.record.outcomes["TIME_LIMITED"] ?? 0) >= 1)
                let violations = try await checkInvariants(ledger, sandbox: sandbox.record)
                #expect(violations == [])
            }
        }
    }

    @Test func throttleAnswersSlowTheRunAndEveryoneIsStillPaidOnce() async throws {
        let folder = try generatedCampaign(count: 45, manifestExtra: "limits:\n  per_minute: 1800\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        let start = Date(timeIntervalSince1970: 1_802_412_000)
        let clock = VirtualClock(start: start)
        try await withSandbox({ configuration in
            configuration.now = { clock.now() }
            configuration.perMinute = 20
        }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                #expect((sandbox.record.outcomes["SECOND_OVER_LIMITED"] ?? 0) > 0)
                #expect(clock.now().timeIntervalSince(start) >= 120, "45 packets at 20 a minute take over two minutes")
                let violations = try await checkInvariants(ledger, sandbox: sandbox.record)
                #expect(violations == [])
            }
        }
    }

    @Test func interruptedRunFinishesInFlightRequestsAndResumes() async throws {
        let folder = try generatedCampaign(count: 80, manifestExtra: "limits:\n  per_minute: 600\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.latency = .milliseconds(30) }) { sandbox in
            let stop = StopSignal()
            async let end = runCampaign(folder, against: sandbox, stop: stop) { settings in
                settings.perMinute = 600
                settings.quietHours = nil
                settings.retry = RetryPolicy()
            }
            try await Task.sleep(for: .milliseconds(700))
            stop.trip()
            #expect(try await end == .interrupted)
            try await withLedger(folder) { ledger in
                let items = try await ledger.items("c1")
                #expect(!items.contains { $0.state == .sending }, "no request was left unrecorded")
                #expect(items.contains { $0.state == .pending }, "the run stopped early")
                #expect(try await checkInvariants(ledger, sandbox: sandbox.record, expectAllSent: false) == [])
            }
            let resumed = try await runCampaign(folder, against: sandbox) { $0.perMinute = 60000 }
            try await withLedger(folder) { reopened in
                #expect(resumed == .complete)
                let violations = try await checkInvariants(reopened, sandbox: sandbox.record)
                #expect(violations == [])
            }
        }
    }
}

/// Bill numbers and settling, across campaigns and across lost answers.
@Suite struct BillNumberTests {
    @Test func twoCampaignsOnOneDayNeverShareABillNumber() async throws {
        let first = try generatedCampaign(count: 40, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { first.remove() }
        let secondManifest = String(decoding: try first.read("m.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "campaign: c1", with: "campaign: c2")
        try first.write("m2.yaml", secondManifest)
        try await withSandbox { sandbox in
            #expect(try await runCampaign(first, against: sandbox) == .complete)
            #expect(try await runCampaign(first, manifest: "m2.yaml", against: sandbox) == .complete)
            try await withLedger(first) { ledger in
                let firstBills = try await ledger.items("c1").compactMap(\.billNumber)
                let secondBills = try await ledger.items("c2").compactMap(\.billNumber)
                let bills = firstBills + secondBills
                #expect(bills.count == 80, "both campaigns are in the one ledger")
                #expect(Set(bills).count == 80, "bill numbers are unique across the ledger")
                let today = BeijingTime.dateStamp(Date())
                #expect(bills.allSatisfy { $0.hasPrefix("10000098" + today + "00") && $0.count == 26 }, "site 0, today")
                let serials = { (bills: [String]) in bills.compactMap { Int($0.suffix(8)) } }
                #expect(Set(serials(firstBills)) == Set(1...40), "the merchant's serials of the day, from 1")
                #expect(serials(secondBills).min()! > serials(firstBills).max()!, "the next campaign's numbers go on above them")
            }
            #expect(sandbox.record.payments.count == 80)
        }
    }

    @Test func lingeringItemIsSettledWithGethbinfoNotPaidAgain() async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.lostProbability = 1 }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            try await withLedger(folder) { ledger in
                #expect(end == .complete)
                let items = try await ledger.items("c1")
                #expect(items.allSatisfy { $0.state == .sent && $0.attempts == RetryPolicy().queryAfter })
                for item in items {
                    #expect(item.sendListID == sandbox.record.payments[item.billNumber ?? ""]?.sendListID,
                            "gethbinfo's detail_id is the send_listid")
                }
                #expect(sandbox.record.payments.count == 3)
                let violations = try await checkInvariants(ledger, sandbox: sandbox.record)
                #expect(violations == [])
            }
        }
    }
}
