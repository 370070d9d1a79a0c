import Foundation

/// TIME_LIMITED while this machine's clock says the quiet window is over: the server's
/// clock and ours disagree, and only asking again will tell when the server opens. So the
/// run pauses for a back-off (60 s, doubling to 30 min) and then probes with one request at
/// a time until an answer other than TIME_LIMITED arrives — never a burst of requests the
/// server will refuse.
struct ClockDisagreement {
    private var steps = 0
    private var pausedUntil: Date?
    /// A probe went out since the last pause began: its answer is the next step.
    private var probed = false

    /// While probing, at most one request is in flight.
    var isProbing: Bool { steps > 0 }

    /// A request starts: while probing, it is the probe.
    mutating func requestStarted() {
        if isProbing { probed = true }
    }

    /// A disputed TIME_LIMITED at `now`: when to ask again. Answers to requests already in
    /// flight when the pause began — none sent since but a probe — share that pause instead
    /// of lengthening it, however late they arrive.
    mutating func disputedTimeLimit(at now: Date, policy: RetryPolicy) -> Date {
        if let pausedUntil, !probed { return max(pausedUntil, now) }
        steps += 1
        probed = false
        let resume = now.adding(policy.clockDisagreementDelay(step: steps))
        pausedUntil = resume
        return resume
    }

    /// Any other answer: the server is open, the disagreement is over.
    mutating func serverAnswered() {
        steps = 0
        pausedUntil = nil
        probed = false
    }

    static func reason(at now: Date, resume: Date) -> String {
        "the server answered TIME_LIMITED at \(BeijingTime.clockTime(now)) Beijing time, outside this machine's quiet "
            + "window: the server's clock and this machine's disagree; asking again at \(BeijingTime.clockTime(resume))"
    }
}
