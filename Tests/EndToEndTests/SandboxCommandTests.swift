import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// `payout sandbox`'s second-release flags, as an operator types them.
@Suite struct SandboxCommandTests {
    struct BadFlag: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badFlags = [
        BadFlag(arguments: ["--claim", "1.5"], message: "--claim must be P or P:SECONDS, a probability and whole seconds, got '1.5'"),
        BadFlag(arguments: ["--claim", "0.5:soon"], message: "--claim must be P or P:SECONDS, a probability and whole seconds, got '0.5:soon'"),
        BadFlag(arguments: ["--claim", "0.5:86400"],
                message: "--claim's SECONDS (86400) must be less than --refund-after (86400): a packet is claimed before it is refunded, or never"),
        BadFlag(arguments: ["--claim", "1:60", "--refund-after", "30"],
                message: "--claim's SECONDS (60) must be less than --refund-after (30)"),
        BadFlag(arguments: ["--refund-after", "0"], message: "--refund-after must be a positive number of seconds, got 0"),
        BadFlag(arguments: ["--billno-ttl", "0"], message: "--billno-ttl must be a positive number of seconds, got 0"),
        BadFlag(arguments: ["--billno-ttl", "a day"], message: "'a day'"),
        BadFlag(arguments: ["--sign-error-wording", "polite"], message: "--sign-error-wording must be one of live, legacy"),
        BadFlag(arguments: ["--clock-offset", "tomorrow"], message: "'tomorrow'"),
    ]

    @Test(arguments: badFlags)
    func badValueIsRefusedNamingTheFlag(_ flag: BadFlag) async throws {
        let folder = try CampaignFolder(recipients: nil)
        defer { folder.remove() }
        let result = try await PayoutProcess.run(["sandbox", "--dir", "sbx"] + flag.arguments, in: folder.url)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(flag.message), "\(result.stderr)")
        #expect(!folder.exists("sbx"), "nothing was started")
    }

    @Test func claimWordingAndClockOffsetReachTheRunningSandbox() async throws {
        let folder = try CampaignFolder(recipients: nil)
        defer { folder.remove() }
        let sandbox = try await SandboxProcess.start(in: folder, arguments: [
            "--claim", "1:0", "--sign-error-wording", "legacy", "--clock-offset", "-90000",
        ])
        defer { sandbox.stop() }
        let started = Date()
        let wrong = try sandbox.client(apiKey: String(repeating: "0", count: 32))
        defer { wrong.shutdown() }
        #expect(await wrong.send(redpack()).outcome == .stopRun(.requestRejected(message: "签名失败")))

        let client = try sandbox.client()
        defer { client.shutdown() }
        let request = redpack()
        _ = await client.send(request)
        guard case .found(let record) = await client.query(request.billNumber) else {
            Issue.record("the paid packet must be found")
            return
        }
        #expect(record.status == .received, "--claim 1:0 opens every packet at once")
        let paid = try #require(try sandbox.entries().last(where: \.paid))
        let serverTime = try #require(paid.time.flatMap(BeijingTime.date(fromISO8601:)))
        let behind = (started.addingTimeInterval(-90_001)...Date().addingTimeInterval(-89_999))
        #expect(behind.contains(serverTime), "the server runs 25 h behind, however long the test took")
    }

    @Test func refundAfterAndBillNumberTTLReachTheRunningSandbox() async throws {
        let folder = try CampaignFolder(recipients: nil)
        defer { folder.remove() }
        let sandbox = try await SandboxProcess.start(in: folder, arguments: ["--refund-after", "1", "--billno-ttl", "1"])
        defer { sandbox.stop() }
        let client = try sandbox.client()
        defer { client.shutdown() }
        let request = redpack()
        let sent = Date()
        _ = await client.send(request)
        try await Task.sleep(for: .milliseconds(1100))
        guard case .found(let record) = await client.query(request.billNumber) else {
            Issue.record("the paid packet must be found")
            return
        }
        // RFUND_ING lasts a minute; a test host busy enough to ask later may already see REFUND.
        let refundEnded = Date().timeIntervalSince(sent) > 1 + PacketLifecycle().refundDuration
        #expect(record.status == .refunding || (refundEnded && record.status == .refunded),
                "by default it would be SENT for a day")
        #expect(await client.send(request).outcome == SandboxClockTests.expired)
    }
}
