import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// The client and the sandbox talking over real TLS on loopback.
@Suite struct ClientSandboxTests {
    @Test func paysOnceAndEchoesTheSendListID() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.client()
            defer { client.shutdown() }
            let request = redpack()
            let result = await client.send(request)
            guard case .sent(let listID) = result.outcome else {
                Issue.record("expected sent, got \(result.outcome)")
                return
            }
            let payment = try #require(sandbox.record.payments[request.billNumber.rawValue])
            #expect(payment.sendListID == listID)
            #expect(payment.amount == 1000)
            #expect(sandbox.record.paidTotal == 1000)
        }
    }
}
