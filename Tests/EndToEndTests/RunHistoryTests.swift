import Foundation
import PayoutKit
import PayoutTestSupport
import RedpackSandbox
import Testing

/// Real runs against the sandbox leave the history the HTML report marks on its time axis.
@Suite struct RunHistoryTests {
    @Test func aQuietWindowPauseInsideARunIsRecorded() async throws {
        let folder = try generatedCampaign(count: 5, manifestExtra: "limits:\n  per_minute: 60000\n")
        defer { folder.remove() }
        let clock = VirtualClock(start: RunTests.nightTime)
        try await withSandbox({ $0.now = { clock.now() } }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock)
            #expect(end == .complete)
            let runs = try await withLedger(folder) { try await $0.runs("c1") }
            let eight = QuietHours.default.end(after: RunTests.nightTime)
            #expect(runs.count == 1)
            #expect(runs.first?.end == .complete)
            #expect(runs.first?.pauses.map(\.cause) == [.quietHours])
            #expect(runs.first?.pauses.first?.until == eight)
            let from = try #require(runs.first?.pauses.first?.from)
            #expect(from >= RunTests.nightTime && from < eight, "the run paused as it started, in the night")
        }
    }

    @Test func aRunStoppedByNotEnoughAndItsResumeShowAsAPause() async throws {
        let folder = try generatedCampaign(count: 60, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.balance = 2000 }) { sandbox in
            let first = try await runCampaign(folder, against: sandbox)
            guard case .merchantRefused(.refused(ErrorCode("NOTENOUGH"), _)) = first else {
                Issue.record("expected NOTENOUGH, got \(first)")
                return
            }
            sandbox.setBalance(nil)
            let second = try await runCampaign(folder, against: sandbox)
            #expect(second == .complete)
            let snapshot = try await withLedger(folder) { try await $0.reportSnapshot("c1") }
            let runs = snapshot.runs
            try #require(runs.count == 2)
            let report = CampaignReport(snapshot, settings: .init(budget: nil, perMinute: 60000, campaignArguments: "m.yaml"), generatedAt: Date())
            #expect(report.pauses == [CampaignPause(from: runs[0].endedAt!, to: runs[1].startedAt, cause: .stopped(first))])
            #expect(report.standing == .complete)
            #expect(report.paid.count == 60)
        }
    }

    @Test func noWaitInTheQuietWindowEndsTheRunSayingUntilWhen() async throws {
        let folder = try generatedCampaign(count: 3, manifestExtra: "limits:\n  per_minute: 60000\n")
        defer { folder.remove() }
        let clock = VirtualClock(start: RunTests.nightTime)
        try await withSandbox({ $0.now = { clock.now() } }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox, clock: clock) { $0.noWait = true }
            let runs = try await withLedger(folder) { try await $0.runs("c1") }
            #expect(runs.map(\.end) == [end])
            #expect(runs.first?.pauses == [], "with --no-wait the run ends instead of pausing")
        }
    }
}
