import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// The sandbox's own clock: re-entry that expires, and a server that runs ahead of or
/// behind the client.
@Suite struct SandboxClockTests {
    /// The server's word that the number is expired says nothing about whether its first
    /// request paid: payout treats it as unknown and settles the item with gethbinfo.
    static let expired = SendOutcome.unknown(reason: "the server says the bill number expired (PARAM_ERROR: 该订单已经过期，请更换商户单号); settled with gethbinfo")

    @Test func billNumberExpiresADayAfterItsFirstRequestEvenAnUnpaidOne() async throws {
        let clock = ManualClock(beijing: "2027-02-12 10:00:00")
        try await withSandboxClient({ $0.now = { clock.now() } }) { sandbox, client in
            let request = redpack()
            sandbox.setFaults(systemError: 1)
            #expect(await client.send(request).outcome == .unknown(reason: "SYSTEMERROR: 系统繁忙,请再试。"))
            sandbox.setFaults()
            clock.advance(by: 86_400)
            guard case .sent = await client.send(request).outcome else {
                Issue.record("exactly a day after the first request is still within re-entry")
                return
            }
            clock.advance(by: 1)
            let late = await client.send(request)
            #expect(late.outcome == Self.expired)
            #expect(late.errCode == "PARAM_ERROR")
            #expect(sandbox.record.firstRequests[request.billNumber.rawValue]?.at == beijingDate("2027-02-12 10:00:00"))
            #expect(sandbox.record.outcomes["EXPIRED"] == 1)
            #expect(sandbox.record.paidTotal == 1000, "an expired re-entry pays nothing")
        }
    }

    @Test func configuredTTLCountsFromTheFirstRequestNotTheLast() async throws {
        let clock = ManualClock(beijing: "2027-02-12 10:00:00")
        try await withSandboxClient({ configuration in
            configuration.now = { clock.now() }
            configuration.billNumberTTL = 600
        }) { sandbox, client in
            let request = redpack()
            for _ in 0..<3 {
                guard case .sent = await client.send(request).outcome else {
                    Issue.record("re-entry within the TTL answers the original payment")
                    return
                }
                clock.advance(by: 300)
            }
            #expect(await client.send(request).outcome == Self.expired)
            #expect(await client.send(redpack()).outcome != Self.expired, "a new bill number is not expired")
        }
    }

    @Test func clockOffsetMovesQuietHoursAndDates() async throws {
        let clock = ManualClock(beijing: "2027-02-12 23:30:00")
        try await withSandboxClient({ configuration in
            configuration.now = { clock.now() }
            configuration.clockOffset = 3600
            configuration.quietHours = .default
        }) { sandbox, client in
            #expect(sandbox.now == beijingDate("2027-02-13 00:30:00"))
            let request = redpack()
            #expect(await client.send(request).outcome == .quietWindow, "00:30 on the server's clock")
            clock.advance(by: 7.5 * 3600)
            guard case .sent(let listID) = await client.send(request).outcome else {
                Issue.record("08:00 on the server's clock ends the quiet window")
                return
            }
            #expect(listID.contains("20270213"), "the server's date, not the client's")
            let answer = try await sandbox.gethbinfo(request.billNumber)
            #expect(answer.fields["send_time"] == "2027-02-13 08:00:00")
        }
    }

    @Test func serverBehindTheClientStillKeepsItsQuietHours() async throws {
        let clock = ManualClock(beijing: "2027-02-12 08:30:00")
        try await withSandboxClient({ configuration in
            configuration.now = { clock.now() }
            configuration.clockOffset = -3600
            configuration.quietHours = .default
        }) { sandbox, client in
            #expect(await client.send(redpack()).outcome == .quietWindow)
            #expect(sandbox.record.payments.isEmpty)
        }
    }
}
