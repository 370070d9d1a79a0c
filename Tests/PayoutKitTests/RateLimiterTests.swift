import Foundation
@testable import PayoutKit
import Testing

/// The limiter driven by exact, injected times: the quota holds in every window.
@Suite struct RateLimiterTests {
    /// Starts as fast as the limiter allows, for `count` starts.
    static func greedyStarts(_ limiter: inout RateLimiter, count: Int, from start: Duration = .zero) -> [Duration] {
        var now = start
        var times: [Duration] = []
        for _ in 0..<count {
            now = limiter.earliestStart(at: now)
            limiter.recordStart(at: now)
            times.append(now)
        }
        return times
    }

    static func maxInAnyWindow(_ times: [Duration], length: Duration) -> Int {
        var best = 0
        var low = 0
        for high in times.indices {
            while times[high] - times[low] >= length { low += 1 }
            best = max(best, high - low + 1)
        }
        return best
    }

    @Test func neverMoreThanThePerMinuteQuotaInAnySixtySeconds() {
        var limiter = RateLimiter(perMinute: 1800)
        let times = Self.greedyStarts(&limiter, count: 9000)
        #expect(Self.maxInAnyWindow(times, length: .seconds(60)) <= 1800)
        #expect(Self.maxInAnyWindow(times, length: .milliseconds(60_500) - .microseconds(1)) <= 1800,
                "the margin for arrival jitter holds too")
    }

    @Test func spreadsStartsSmoothlyWithinEachSecond() {
        var limiter = RateLimiter(perMinute: 1800)
        let times = Self.greedyStarts(&limiter, count: 5400)
        #expect(Self.maxInAnyWindow(times, length: .seconds(1)) <= 30 + Int(limiter.burst))
    }

    @Test func sustainsAtLeastNinetyEightPercentOfTheQuota() {
        var limiter = RateLimiter(perMinute: 1800)
        let times = Self.greedyStarts(&limiter, count: 5400)
        let minutes = times.last! / .seconds(60)
        #expect(Double(times.count) / minutes >= 0.98 * 1800)
    }

    @Test func smallQuotasAreExactToo() {
        var limiter = RateLimiter(perMinute: 7, windowMargin: .zero)
        let times = Self.greedyStarts(&limiter, count: 30)
        #expect(Self.maxInAnyWindow(times, length: .seconds(60)) <= 7)
    }

    @Test func quotaSpansAnEarlierRun() {
        var first = RateLimiter(perMinute: 100, windowMargin: .zero)
        let earlier = Self.greedyStarts(&first, count: 150)
        let handover = earlier.last!
        var second = RateLimiter(perMinute: 100, windowMargin: .zero)
        second.seed(starts: earlier.map { $0 - handover })
        let later = Self.greedyStarts(&second, count: 150).map { $0 + handover }
        #expect(Self.maxInAnyWindow(earlier + later, length: .seconds(60)) <= 100)
    }

    @Test func throttleHalvesTheRateThenRecovers() {
        var limiter = RateLimiter(perMinute: 1800)
        _ = Self.greedyStarts(&limiter, count: 100)
        let ten = Duration.seconds(10)
        let full = limiter.rate(at: ten)
        limiter.throttle(at: ten)
        #expect(abs(limiter.rate(at: ten) - full / 2) < 1e-9)
        limiter.throttle(at: ten)
        #expect(abs(limiter.rate(at: ten) - full / 4) < 1e-9)
        #expect(limiter.rate(at: ten + RateLimiter.recovery / 2) < full)
        #expect(abs(limiter.rate(at: ten + RateLimiter.recovery) - full) < 1e-9)
    }

    @Test func throttledRunStartsFewerRequests() {
        var steady = RateLimiter(perMinute: 1800)
        var throttled = RateLimiter(perMinute: 1800)
        throttled.throttle(at: .zero)
        let inTenSeconds: (inout RateLimiter) -> Int = { limiter in
            Self.greedyStarts(&limiter, count: 1000).filter { $0 < .seconds(10) }.count
        }
        #expect(inTenSeconds(&throttled) < inTenSeconds(&steady) * 3 / 4)
    }
}

@Suite struct RetryPolicyTests {
    @Test func waitsAtLeastASecondAndDoublesUpToTheCap() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 1, unit: 0) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, unit: 0.999) >= .seconds(1))
        #expect(policy.delay(afterAttempt: 3, unit: 1) == .seconds(4))
        #expect(policy.delay(afterAttempt: 3, unit: 0) == .seconds(2))
        #expect(policy.delay(afterAttempt: 30, unit: 1) == .seconds(60))
        for attempt in 1...40 {
            #expect(policy.delay(afterAttempt: attempt, unit: 0) >= .seconds(1))
        }
    }

    static let now = Date(timeIntervalSince1970: 1_802_412_000)

    static func item(_ state: ItemState = .retrying, attempts: Int = 1, lastErrCode: String? = "SYSTEMERROR",
                     firstRequest hoursAgo: Double = 1) -> WorkItem {
        WorkItem(id: 1, line: 2, openid: "o", amount: Amount(fen: 100),
                 billNumber: BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 1), state: state,
                 attempts: attempts, nextAttemptAt: nil, lastErrCode: lastErrCode,
                 firstRequestAt: now.addingTimeInterval(-hoursAgo * 3600))
    }

    @Test func lingeringProcessingOrFatalItemsAreQueriedFirst() {
        let policy = RetryPolicy()
        #expect(!policy.needsQuery(Self.item(), now: Self.now))
        #expect(policy.needsQuery(Self.item(lastErrCode: "PROCESSING"), now: Self.now))
        #expect(policy.needsQuery(Self.item(lastErrCode: "FATAL_ERROR"), now: Self.now))
        #expect(policy.needsQuery(Self.item(attempts: policy.queryAfter, lastErrCode: nil), now: Self.now))
        #expect(!policy.needsQuery(Self.item(.sending, attempts: policy.queryAfter), now: Self.now),
                "an item carried over from a crash is simply re-sent")
    }

    @Test func anItemOlderThanTwentyHoursIsQueriedBeforeAnyRequest() {
        let policy = RetryPolicy()
        for state in [ItemState.sending, .retrying, .pending] {
            #expect(!policy.needsQuery(Self.item(state, firstRequest: 19.9), now: Self.now))
            #expect(policy.needsQuery(Self.item(state, firstRequest: 20.1), now: Self.now))
        }
        #expect(policy.mayResendUnsettled(Self.item(firstRequest: 19.9), now: Self.now))
        #expect(!policy.mayResendUnsettled(Self.item(firstRequest: 20.1), now: Self.now), "old: settle, never resend blindly")
        #expect(!policy.mayResendUnsettled(Self.item(lastErrCode: "FATAL_ERROR"), now: Self.now))
    }

    @Test func clockDisagreementBacksOffFromAMinuteToHalfAnHour() {
        let policy = RetryPolicy()
        #expect((1...7).map { policy.clockDisagreementDelay(step: $0) / .seconds(60) } == [1, 2, 4, 8, 16, 30, 30])
    }
}
