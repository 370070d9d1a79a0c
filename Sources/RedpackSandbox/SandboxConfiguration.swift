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
    public var minimumAmount = 100
    public var maximumAmount = 20_000
    /// Seeds fault injection and jitter, so that a failing test can be replayed.
    public var seed: UInt64 = UInt64.random(in: 0...UInt64.max)
    /// The sandbox's idea of now: quiet hours and bill-number dates are read from it.
    public var now: @Sendable () -> Date = { Date() }

    public init(directory: URL, apiKey: String = SecureRandom.alphanumeric(32)) {
        self.directory = directory
        self.apiKey = apiKey
    }
}
