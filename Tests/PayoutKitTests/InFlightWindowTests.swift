@testable import PayoutKit
import Testing

/// The window fed exact latencies: its size is `8 + ⌈rate × p90 × 1.25⌉`, within its bounds,
/// growing by at most 2 per answer; unknown outcomes are not latency.
@Suite struct InFlightWindowTests {
    static let sent = SendOutcome.sent(sendListID: "1000")
    static let timedOut = SendOutcome.unknown(reason: "Operation timed out after 30000 milliseconds (curl error 28)")

    /// The sizes after each of `count` answers of `latency`.
    static func sizes(_ window: inout InFlightWindow, _ count: Int, _ latency: Duration, outcome: SendOutcome = sent) -> [Int] {
        (0..<count).map { _ in
            window.record(latency, outcome: outcome)
            return window.size
        }
    }

    @Test func growsWithLatencyByAtMostTwoPerAnswer() {
        var window = InFlightWindow(ratePerSecond: 30)
        #expect(window.size == 64, "before any answer")
        #expect(window.medianLatency == nil)
        // 30/s × 3 s × 1.25 = 112.5 → 113, plus the floor of 8.
        #expect(Self.sizes(&window, 32, .seconds(3)) == Array(stride(from: 66, through: 120, by: 2)) + [121, 121, 121, 121])
        #expect(window.medianLatency == .seconds(3))
    }

    @Test func shrinksAtOnceWhenAnswersGetFast() {
        var window = InFlightWindow(ratePerSecond: 30)
        _ = Self.sizes(&window, 64, .seconds(3))
        #expect(window.size == 121)
        // The 90th percentile of the last 64 answers stays at 3 s while 7 of them are that slow.
        let sizes = Self.sizes(&window, 60, .milliseconds(100))
        #expect(sizes.prefix(57).allSatisfy { $0 == 121 })
        #expect(sizes.dropFirst(57).allSatisfy { $0 == 8 + 4 }, "30/s × 0.1 s × 1.25 = 3.75 → 4")
        #expect(window.medianLatency == .milliseconds(100))
    }

    @Test func instantAnswersKeepTheFloor() {
        var window = InFlightWindow(ratePerSecond: 30)
        #expect(Self.sizes(&window, 5, .zero) == [8, 8, 8, 8, 8])
    }

    @Test func neverExceedsItsCeiling() {
        var window = InFlightWindow(ratePerSecond: 30)
        let sizes = Self.sizes(&window, 200, .seconds(30)) + Self.sizes(&window, 10, .seconds(86_400 * 365))
        #expect(sizes.max() == 256)
        #expect(window.size == 256)
        var lifted = InFlightWindow(ratePerSecond: 1_000_000)
        #expect(Self.sizes(&lifted, 200, .seconds(1)).max() == 256)
    }

    @Test func equalBoundsPinIt() {
        var window = InFlightWindow(ratePerSecond: 30, bounds: 32...32)
        #expect(window.size == 32)
        #expect(Set(Self.sizes(&window, 10, .seconds(5)) + Self.sizes(&window, 70, .zero)) == [32])
    }

    @Test func timeoutsAndLostAnswersDoNotInflateIt() {
        var window = InFlightWindow(ratePerSecond: 30)
        _ = Self.sizes(&window, 64, .milliseconds(250))
        let steady = window
        #expect(steady.size == 8 + 10, "30/s × 0.25 s × 1.25 = 9.4 → 10")
        _ = Self.sizes(&window, 500, .seconds(30), outcome: Self.timedOut)
        _ = Self.sizes(&window, 500, .seconds(10), outcome: .unknown(reason: "connection lost"))
        #expect(window == steady, "no answer, no latency to chase")
    }

    @Test func everyAnswerCountsWhateverItSays() {
        var window = InFlightWindow(ratePerSecond: 30)
        for outcome: SendOutcome in [.throttled(code: "FREQ_LIMIT"), .failed(code: "NO_AUTH", message: "风控"), .quietWindow] {
            _ = Self.sizes(&window, 10, .seconds(2), outcome: outcome)
        }
        #expect(window.medianLatency == .seconds(2))
        #expect(window.size == 8 + 75, "30/s × 2 s × 1.25 = 75")
    }

    @Test func medianOfRecentAnswers() {
        var window = InFlightWindow(ratePerSecond: 30)
        for milliseconds in [300, 100, 200] {
            window.record(.milliseconds(milliseconds), outcome: Self.sent)
        }
        #expect(window.medianLatency == .milliseconds(200))
        _ = Self.sizes(&window, 64, .milliseconds(900))
        #expect(window.medianLatency == .milliseconds(900), "only the last 64 answers count")
    }
}
