import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Synchronization
import Testing

/// The in-flight window inside a run: it follows the answers' latency, ignores timeouts,
/// carries the quota when answers are slow, and never lets a request start before the rate
/// limiter allows it.
@Suite struct InFlightRunTests {
    @Test(arguments: [Duration.milliseconds(250), .milliseconds(1500), .seconds(3)])
    func carriesTheQuotaAtAnyLatency(_ latency: Duration) async throws {
        let run = try await SimulatedRun(items: 3000, perMinute: 1800, inFlight: InFlightWindow.defaultBounds, latency: latency)
        #expect(run.end == .complete)
        #expect(run.ratePerMinute >= 0.98 * 1800)
        #expect(RateLimiterTests.maxInAnyWindow(run.starts, length: .seconds(60)) <= 1800)
    }

    @Test func aFixedWindowCannotCarryItWhenAnswersAreSlow() async throws {
        let adaptive = try await SimulatedRun(items: 1200, perMinute: 600, inFlight: InFlightWindow.defaultBounds, latency: .seconds(5))
        let fixed = try await SimulatedRun(items: 1200, perMinute: 600, inFlight: 32...32, latency: .seconds(5))
        #expect(adaptive.ratePerMinute >= 0.98 * 600)
        #expect(adaptive.peakInFlight > 32)
        #expect(fixed.ratePerMinute <= 32.0 / 5 * 60 * 1.05, "Little's law: 32 in flight ÷ 5 s")
    }

    @Test(arguments: [InFlightWindow.defaultBounds, 256...256, 1...1])
    func rateLimitHoldsWhateverTheWindow(_ bounds: ClosedRange<Int>) async throws {
        let run = try await SimulatedRun(items: 1200, perMinute: 600, inFlight: bounds, latency: .seconds(20))
        #expect(run.end == .complete)
        #expect(run.starts.count == 1200)
        #expect(run.startsPastTheWindow == 0)
        #expect(run.peakWindow == bounds.upperBound, "9.9/s × 20 s × 1.25 asks for more than the ceiling")
        #expect(run.peakInFlight <= bounds.upperBound)
        #expect(RateLimiterTests.maxInAnyWindow(run.starts, length: .seconds(60)) <= 600)
        #expect(RateLimiterTests.maxInAnyWindow(run.starts, length: .seconds(1)) <= 10 + 2, "the rate plus the limiter's burst")
    }

    /// The window sizes each event reported, in order.
    final class Limits: Sendable {
        private let sizes = Mutex<[Int]>([])

        var all: [Int] { sizes.withLock { $0 } }

        func observe(_ event: RunEvent) {
            if case .item(_, let progress) = event { sizes.withLock { $0.append(progress.inFlightLimit) } }
        }
    }

    @Test func windowAndConnectionPoolFollowTheLatencyOfAnswers() async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 100, count: 300))
        let api = ScriptedAPI(latency: { $0 <= 150 ? .seconds(3) : .milliseconds(100) })
        let limits = Limits()
        #expect(try await RunnerTests.run(ledger, api, observe: limits.observe) == .complete)
        // 1800/60.5 per second × 3 s × 1.25 = 111.6 → 112, and × 0.1 s × 1.25 = 3.7 → 4; plus the floor of 8.
        #expect(limits.all.max() == 120, "grew with slow answers")
        #expect(limits.all.last == 12, "shrank once they got fast")
        let told = api.keptConnections
        #expect(told.first == 64, "the pool is sized before the first request")
        #expect(told.last == 12, "and shrunk once the window halved")
        #expect(Array(told.dropLast()) == Array(stride(from: 64, through: 120, by: 2)), "followed up at once, kept while above half")
    }

    @Test func aBurstOfTimeoutsDoesNotInflateTheWindow() async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 100, count: 100))
        let timeOut = (0..<100).map { (RunnerTests.openid($0), [ScriptedAPI.Send.timeOut(after: .seconds(30))]) }
        let api = ScriptedAPI(sends: Dictionary(uniqueKeysWithValues: timeOut))
        let limits = Limits()
        #expect(try await RunnerTests.run(ledger, api, observe: limits.observe) == .complete)
        #expect(await api.requests.count == 201, "the first new number's gethbinfo; every item timed out once, then was paid")
        #expect(limits.all.allSatisfy { $0 <= 64 }, "30 s timeouts are not latency to chase")
        #expect(limits.all.last == 8)
    }
}
