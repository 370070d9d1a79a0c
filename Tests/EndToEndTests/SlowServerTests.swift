import Foundation
import PayoutKit
import RedpackSandbox
import Synchronization
import Testing

/// Slow answers over real TLS: the run keeps enough requests in flight to send at the full
/// quota, and says how many and how slow.
@Suite struct SlowServerTests {
    /// The most requests in flight and the last median latency any progress showed.
    final class Peaks: Sendable {
        private let state = Mutex<(inFlight: Int, median: Duration?)>((0, nil))

        var inFlight: Int { state.withLock { $0.inFlight } }
        var median: Duration? { state.withLock { $0.median } }

        func observe(_ event: RunEvent) {
            guard case .item(_, let progress) = event else { return }
            state.withLock { $0 = (max($0.inFlight, progress.inFlight), progress.medianLatency ?? $0.median) }
        }
    }

    /// 32 in flight at 1.5 s carry 21 a second, 0.7 of 1800/min: the quota is reached only
    /// if the window grows past the old fixed size, and curl opens the connections for it.
    @Test func answersAtOneAndAHalfSecondsStillGetTheQuota() async throws {
        let count = 450
        let folder = try generatedCampaign(count: count, manifestExtra: "limits:\n  per_minute: 1800\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ configuration in
            configuration.latency = .milliseconds(1500)
            configuration.latencyJitter = .milliseconds(500)
            configuration.perMinute = 1800
        }) { sandbox in
            let peaks = Peaks()
            let end = try await runCampaign(folder, against: sandbox, observe: peaks.observe)
            #expect(end == .complete)
            let record = sandbox.record
            #expect(record.payments.count == count)
            #expect(record.outcomes["SECOND_OVER_LIMITED"] == nil, "never over the server's quota")
            let arrivals = record.firstRequests.values.map(\.at).sorted()
            let span = try #require(arrivals.last).timeIntervalSince(try #require(arrivals.first))
            let quota = Double(count - 1) / span * 60 / 1800
            #expect(quota >= 0.95, "sent at \(quota) of the quota")
            #expect(peaks.inFlight > 32, "more in flight than the old fixed window")
            #expect(record.connections <= peaks.inFlight + 8, "\(record.connections) connections, reused across requests")
            let median = try #require(peaks.median)
            #expect(median >= .milliseconds(1000) && median <= .milliseconds(2100))
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
        }
    }

    @Test func jsonProgressShowsTheWindowAndTheMedianLatency() throws {
        let (folder, sandbox) = try CampaignFolder.external(count: 40, sandboxArguments: ["--latency", "200"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        let run = try folder.payout("run", "m.yaml", "--json", "--max-in-flight", "4", environment: sandbox.environment)
        #expect(run.status == 0)
        let progress = try run.stdout.split(separator: "\n").compactMap {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["progress"] as? [String: Any]
        }
        #expect(progress.count == 42, "started, 40 items, finished")
        #expect(progress.allSatisfy { ($0["in_flight_limit"] as? Int).map { (1...4).contains($0) } == true })
        #expect(progress.allSatisfy { ($0["in_flight"] as? Int).map { $0 <= 4 } == true })
        #expect(progress.first?["median_latency_ms"] == nil, "no answer yet")
        let median = try #require(progress.last?["median_latency_ms"] as? Int)
        #expect(median >= 200 && median < 2000)

        let refused = try folder.payout("run", "m.yaml", "--max-in-flight", "0", environment: sandbox.environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--max-in-flight must be between 1 and 256"))
    }
}
