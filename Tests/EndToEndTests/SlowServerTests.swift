import Foundation
import PayoutKit
import Testing

/// Slow answers over real TLS: the run keeps enough requests in flight to send at the full
/// quota, and says how many and how slow.
@Suite struct SlowServerTests {
    /// 32 in flight at 1.5 s carry 21 a second, 0.7 of 1800/min: the quota is reached only
    /// if the window grows past the old fixed size and curl opens the connections for it.
    /// The run and the sandbox are processes of their own, so the ratio, read from the
    /// sandbox's journal, does not depend on how busy this test process is.
    @Test func answersAtOneAndAHalfSecondsStillGetTheQuota() async throws {
        let count = 450
        let (folder, sandbox) = try await CampaignFolder.external(
            count: count, sandboxArguments: ["--latency", "1500:500", "--per-minute", "1800"], perMinute: 1800)
        defer {
            sandbox.stop()
            folder.remove()
        }
        let run = try await folder.payout("run", "m.yaml", "--json", environment: sandbox.environment)
        #expect(run.status == 0)
        let progress = try run.jsonProgress()
        let journal = try sandbox.entries().filter { $0.api == "sendredpack" }
        #expect(journal.filter(\.paid).count == count)
        #expect(journal.allSatisfy { $0.outcome == "SUCCESS" }, "no throttle answer, no retry")
        let arrivals = try journal.map { try #require($0.time.flatMap(BeijingTime.date(fromISO8601:))) }.sorted()
        let span = try #require(arrivals.last).timeIntervalSince(try #require(arrivals.first))
        let quota = Double(count - 1) / span * 60 / 1800
        #expect(quota >= 0.95, "sent at \(quota) of the quota")
        #expect(progress.compactMap { $0["in_flight"] as? Int }.max() ?? 0 > 32, "more in flight than the old fixed window")
        let median = try #require(progress.last?["median_latency_ms"] as? Int)
        #expect(median >= 1000 && median <= 2100)
    }

    @Test func jsonProgressShowsTheWindowAndTheMedianLatency() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 40, sandboxArguments: ["--latency", "200"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        let run = try await folder.payout("run", "m.yaml", "--json", "--max-in-flight", "4", environment: sandbox.environment)
        #expect(run.status == 0)
        let progress = try run.jsonProgress()
        #expect(progress.count == 42, "started, 40 items, finished")
        #expect(progress.allSatisfy { ($0["in_flight_limit"] as? Int).map { (1...4).contains($0) } == true })
        #expect(progress.allSatisfy { ($0["in_flight"] as? Int).map { $0 <= 4 } == true })
        #expect(progress.first?["median_latency_ms"] == nil, "no answer yet")
        let median = try #require(progress.last?["median_latency_ms"] as? Int)
        #expect(median >= 200 && median < 2000)

        let refused = try await folder.payout("run", "m.yaml", "--max-in-flight", "0", environment: sandbox.environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--max-in-flight must be between 1 and 256"))
    }
}
