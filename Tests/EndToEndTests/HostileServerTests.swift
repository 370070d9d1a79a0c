import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// Servers that cannot be trusted, and answers that cannot be believed: each leaves the
/// item retryable under the same bill number, never sent, never failed.
@Suite struct HostileServerTests {
    @Test(arguments: BadAnswer.allCases)
    func badAnswerLeavesTheOutcomeUnknownAndTheRetrySettlesIt(_ kind: BadAnswer) async throws {
        try await withSandboxClient { sandbox, client in
            let request = redpack()
            sandbox.forceBadAnswer(kind)
            let first = await client.send(request)
            guard case .unknown = first.outcome else {
                Issue.record("\(kind) must leave the outcome unknown, got \(first.outcome)")
                return
            }
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue], "the sandbox paid before answering badly")
            sandbox.forceBadAnswer(nil)
            #expect(await client.send(request).outcome == .sent(sendListID: payment.sendListID))
            #expect(sandbox.record.payments.count == 1)
        }
    }

    @Test func runThroughBadAnswersPaysEveryoneOnce() async throws {
        let folder = try generatedCampaign(count: 150, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ $0.badAnswerProbability = 0.3 }) { sandbox in
            let end = try await runCampaign(folder, against: sandbox)
            #expect(end == .complete)
            #expect(sandbox.record.outcomes.keys.contains { $0.contains("+") }, "bad answers were given")
            #expect(try await violations(in: folder, sandbox: sandbox) == [])
        }
    }

    struct TLSCase: Sendable, CustomTestStringConvertible {
        var name: String
        var certificate: ServerCertificate = .valid
        var legacy = false
        var testDescription: String { name }
    }

    static let tlsCases = [
        TLSCase(name: "expired", certificate: .expired),
        TLSCase(name: "another host name", certificate: .wrongHost),
        TLSCase(name: "self-signed, not in ca_file", certificate: .selfSigned),
        TLSCase(name: "TLS below 1.2", legacy: true),
    ]

    @Test(arguments: tlsCases)
    func untrustworthyServerIsRefusedAndNothingIsSettled(_ tls: TLSCase) async throws {
        let folder = try generatedCampaign(count: 20, manifestExtra: "limits:\n  per_minute: 60000\n  quiet_hours: \"off\"\n")
        defer { folder.remove() }
        try await withSandbox({ configuration in
            configuration.serverCertificate = tls.certificate
            configuration.legacyTLSOnly = tls.legacy
        }) { sandbox in
            let client = try sandbox.client()
            let outcome = await client.send(redpack()).outcome
            client.shutdown()
            guard case .stopRun(.tlsRefused(let message)) = outcome else {
                Issue.record("\(tls.name): expected a TLS refusal, got \(outcome)")
                return
            }
            #expect(message.hasPrefix("TLS refused: "))

            let end = try await runCampaign(folder, against: sandbox)
            guard case .merchantRefused(.tlsRefused) = end else {
                Issue.record("\(tls.name): the run must stop on the TLS refusal, got \(end)")
                return
            }
            let items = try await withLedger(folder) { try await $0.items("c1") }
            #expect(items.allSatisfy { $0.state == .pending && $0.billNumber == nil },
                    "the gethbinfo before the first send met the refusal: no item was given a number or sent")
            #expect(sandbox.record.requests == 0, "no request reached the server")
        }
    }
}
