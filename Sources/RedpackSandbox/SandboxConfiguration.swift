import Foundation
import PayoutKit

/// How a sandbox behaves: whom it serves, and which of the real API's failures it plays.
public struct SandboxConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 takes a free port.
    public var port = 0
    /// Where the CA, client certificate, key and .p12 are written.
    public var directory: URL
    public var mchID = "10000098"
    public var wxappid = "wx8888888888888888"
    public var apiKey: String
    public var latency: Duration = .zero
    public var latencyJitter: Duration = .zero
    /// Probability of answering SYSTEMERROR without paying.
    public var systemErrorProbability = 0.0
    /// Probability of paying, then closing the connection without an answer.
    public var lostProbability = 0.0
    /// Probability of answering SEND_FAILED without paying: the one answer that proves, by
    /// itself, that a packet was not paid (what `reissue` is for).
    public var sendFailedProbability = 0.0
    /// Probability of an extra `slowDelay` on an answer: slower than a client's timeout.
    public var slowProbability = 0.0
    public var slowDelay: Duration = .zero
    /// Probability of paying, then answering with one of the `BadAnswer` kinds.
    public var badAnswerProbability = 0.0
    public var serverCertificate = ServerCertificate.valid
    /// Serve TLS 1.0/1.1 only: a client must refuse it.
    public var legacyTLSOnly = false
    /// NOTENOUGH once paying would exceed this many fen; nil is unlimited.
    public var balance: Int?
    /// SECOND_OVER_LIMITED past this many requests in any 60 s window; nil is unlimited.
    public var perMinute: Int?
    /// TIME_LIMITED inside this Beijing-time window; nil is off.
    public var quietHours: QuietHours?
    /// One JSON line per request.
    public var journal: URL?
    /// Where a bundled sandbox keeps its payments between commands (`SandboxStateFile`).
    public var stateFile: URL?
    public var minimumAmount = 100
    public var maximumAmount = 20_000
    /// Which paid packets are claimed, when, and when the rest are refunded.
    public var lifecycle = PacketLifecycle()
    /// Re-entry ends this long after a bill number's first request: later requests are
    /// answered PARAM_ERROR 该订单已经过期, as merchants report of the live API. The clock
    /// starts at the first request that passes the signature, merchant and app id checks,
    /// whatever it was answered (SYSTEMERROR, TIME_LIMITED, throttled): where the live API
    /// starts it is undocumented, and this strictest reading is the one payout's own age
    /// rule assumes, so a client that is safe here is safe there.
    public var billNumberTTL: TimeInterval = 86_400
    public var signErrorWording = SignErrorWording.live
    /// Seeds fault injection, jitter and claims, so that a failing test can be replayed.
    public var seed: UInt64 = UInt64.random(in: 0...UInt64.max)
    /// The outside clock the sandbox's own one is derived from: tests inject a virtual clock here.
    public var now: @Sendable () -> Date = { Date() }
    /// How far the sandbox's clock runs ahead of `now` (behind when negative), so a test can
    /// make the server disagree with the client about the time, or jump a day ahead.
    public var clockOffset: TimeInterval = 0

    /// The sandbox's idea of now: quiet hours, bill-number dates, claims, refunds, re-entry
    /// expiry and the times in answers are all read from it.
    public func currentTime() -> Date {
        now().addingTimeInterval(clockOffset)
    }

    public init(directory: URL, apiKey: String = SecureRandom.alphanumeric(32)) {
        self.directory = directory
        self.apiKey = apiKey
    }
}
