import ArgumentParser
import Foundation
import PayoutKit
import RedpackSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the bundled WeChat Pay red packet simulator on loopback."
    )

    @Option(help: "Port to listen on; 0 takes a free one.") var port = 0
    @Option(help: "Folder for ca.pem, client_cert.pem, client_key.pem and client.p12.") var dir = "sandbox"
    @Option(name: .customLong("mch-id"), help: "Merchant id the sandbox serves.") var mchID = "10000098"
    @Option(help: "App id the sandbox serves.") var wxappid = "wx8888888888888888"
    @Option(name: .customLong("api-key"), help: "API key; a random one when omitted.") var apiKey: String?
    @Option(help: "Delay every answer: MS or MS:JITTER.") var latency: String?
    @Option(help: "Probability of answering SYSTEMERROR without paying.") var systemerror = 0.0
    @Option(help: "Probability of paying, then closing the connection unanswered.") var lost = 0.0
    @Option(name: .customLong("send-failed"), help: "Probability of answering SEND_FAILED without paying (proven unpaid: reissue pays it).")
    var sendFailed = 0.0
    @Option(help: "Delay an answer by MS more with probability P: P:MS (slower than a client's timeout).") var slow: String?
    @Option(name: .customLong("bad-answers"), help: "Probability of paying, then answering badly (HTML, empty, truncated, wrong echo or signature, HTTP 5xx, reset).")
    var badAnswers = 0.0
    @Option(name: .customLong("server-cert"), help: "valid, expired, wrong-host or self-signed: for testing clients' TLS checks.")
    var serverCert = "valid"
    @Flag(name: .customLong("legacy-tls"), help: "Serve TLS 1.0/1.1 only: a correct client refuses it.") var legacyTLS = false
    @Option(help: "Answer NOTENOUGH once paying would exceed this many fen; SIGUSR1 lifts it (a top-up).") var balance: Int?
    @Option(name: .customLong("per-minute"), help: "Answer SECOND_OVER_LIMITED past N requests in any 60 s.") var perMinute: Int?
    @Option(name: .customLong("quiet-hours"), help: "Answer TIME_LIMITED inside HH:MM-HH:MM Beijing time, or off.") var quietHours = "off"
    @Option(help: "Write one JSON line per request to this file.") var journal: String?
    @Option(help: "Seed for fault injection and claims, to replay a run.") var seed: UInt64?
    @Option(help: "Claim each paid packet with probability P, SECONDS after it was paid (default 5): P[:SECONDS].")
    var claim: String?
    @Option(name: .customLong("refund-after"), help: "Refund an unclaimed packet this many seconds after it was paid (RFUND_ING for \(Int(PacketLifecycle().refundDuration)) s, then REFUND).")
    var refundAfter = Int(PacketLifecycle().refundAfter)
    @Option(name: .customLong("billno-ttl"), help: "Answer PARAM_ERROR 该订单已经过期 to a bill number re-sent this many seconds after its first request.")
    var billnoTTL = 86_400
    @Option(name: .customLong("sign-error-wording"), help: "live (签名错误, err_code SIGN_ERROR) or legacy (签名失败): how a bad signature is answered.")
    var signErrorWording = SignErrorWording.live.rawValue
    @Option(name: .customLong("clock-offset"), parsing: .unconditional, help: "Run the sandbox's clock this many seconds ahead (behind when negative).")
    var clockOffset = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        for (name, probability) in [("--systemerror", systemerror), ("--lost", lost), ("--send-failed", sendFailed), ("--bad-answers", badAnswers)]
        where !(0...1).contains(probability) {
            throw ValidationError("\(name) must be a probability between 0 and 1")
        }
        if let latency, Self.parseLatency(latency) == nil {
            throw ValidationError("--latency must be MS or MS:JITTER in whole milliseconds, got '\(latency)'")
        }
        if let slow, Self.parseChance(slow, defaultNumber: nil) == nil {
            throw ValidationError("--slow must be P:MS, a probability and whole milliseconds, got '\(slow)'")
        }
        try validateTimes()
        if ServerCertificate(rawValue: serverCert) == nil {
            throw ValidationError("--server-cert must be one of \(ServerCertificate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if quietHours != "off", QuietHours(parsing: quietHours) == nil {
            throw ValidationError("--quiet-hours must be HH:MM-HH:MM or off, got '\(quietHours)'")
        }
        if SignErrorWording(rawValue: signErrorWording) == nil {
            throw ValidationError("--sign-error-wording must be one of \(SignErrorWording.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private func validateTimes() throws {
        for (name, seconds) in [("--refund-after", refundAfter), ("--billno-ttl", billnoTTL)] where seconds <= 0 {
            throw ValidationError("\(name) must be a positive number of seconds, got \(seconds)")
        }
        guard let claim else { return }
        guard let (_, delay) = Self.parseChance(claim, defaultNumber: Self.defaultClaimDelay) else {
            throw ValidationError("--claim must be P or P:SECONDS, a probability and whole seconds, got '\(claim)'")
        }
        if delay >= refundAfter {
            throw ValidationError("--claim's SECONDS (\(delay)) must be less than --refund-after (\(refundAfter)): a packet is claimed before it is refunded, or never")
        }
    }

    func run() async throws {
        let sandbox = try await RedpackSandbox.start(makeConfiguration())
        FileHandle.standardOutput.write(Data((sandbox.listeningLine + "\n").utf8))
        let topUp = TopUpSignal { sandbox.setBalance(nil) }
        let stop = StopSignal()
        let signals = SignalWatcher(firstMessage: "sandbox: shutting down") { stop.trip() }
        await stop.wait()
        signals.cancel()
        topUp.cancel()
        await sandbox.shutdown()
    }

    private func makeConfiguration() -> SandboxConfiguration {
        var configuration = SandboxConfiguration(directory: URL(fileURLWithPath: dir))
        configuration.port = port
        configuration.mchID = mchID
        configuration.wxappid = wxappid
        if let apiKey { configuration.apiKey = apiKey }
        if let latency, let (base, jitter) = Self.parseLatency(latency) {
            configuration.latency = .milliseconds(base)
            configuration.latencyJitter = .milliseconds(jitter)
        }
        configuration.systemErrorProbability = systemerror
        configuration.lostProbability = lost
        configuration.sendFailedProbability = sendFailed
        if let slow, let (probability, delay) = Self.parseChance(slow, defaultNumber: nil) {
            configuration.slowProbability = probability
            configuration.slowDelay = .milliseconds(delay)
        }
        configuration.badAnswerProbability = badAnswers
        configuration.serverCertificate = ServerCertificate(rawValue: serverCert) ?? .valid
        configuration.legacyTLSOnly = legacyTLS
        configuration.balance = balance
        configuration.perMinute = perMinute
        configuration.quietHours = quietHours == "off" ? nil : QuietHours(parsing: quietHours)
        configuration.journal = journal.map { URL(fileURLWithPath: $0) }
        if let seed { configuration.seed = seed }
        if let claim, let (probability, delay) = Self.parseChance(claim, defaultNumber: Self.defaultClaimDelay) {
            configuration.lifecycle.claimProbability = probability
            configuration.lifecycle.claimDelay = TimeInterval(delay)
        }
        configuration.lifecycle.refundAfter = TimeInterval(refundAfter)
        configuration.billNumberTTL = TimeInterval(billnoTTL)
        configuration.signErrorWording = SignErrorWording(rawValue: signErrorWording) ?? .live
        configuration.clockOffset = TimeInterval(clockOffset)
        return configuration
    }

    static let defaultClaimDelay = Int(PacketLifecycle().claimDelay)

    /// `P:N`, a probability and a whole number ≥ 0 (`--slow`, `--claim`); with a
    /// `defaultNumber`, a bare `P` takes it.
    static func parseChance(_ text: String, defaultNumber: Int?) -> (Double, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let probability = Double(parts[0]), (0...1).contains(probability),
              let number = parts.count == 2 ? Int(parts[1]) : defaultNumber, number >= 0 else { return nil }
        return (probability, number)
    }

    static func parseLatency(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        switch parts.count {
        case 1: return parts[0].flatMap { $0 >= 0 ? ($0, 0) : nil }
        case 2:
            guard let base = parts[0], let jitter = parts[1], base >= 0, jitter >= 0 else { return nil }
            return (base, jitter)
        default: return nil
        }
    }
}
