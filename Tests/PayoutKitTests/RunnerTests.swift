import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Testing

/// The run's hard cases, driven exactly: a scripted API, an in-memory ledger with the real
/// ledger's rules, and a virtual clock. Each test asserts the requests made, in order, and
/// where every item ends — the money-safety invariants without TLS, a server or SQLite.
@Suite struct RunnerTests {
    /// 10:00 Beijing time, outside the quiet window.
    static let morning = Date(timeIntervalSince1970: 1_802_412_000)

    static func openid(_ index: Int) -> String {
        "o\(String(format: "%027d", index))"
    }

    static func run(
        _ ledger: InMemoryLedger, _ api: ScriptedAPI, inFlight: ClosedRange<Int> = InFlightWindow.defaultBounds,
        observe: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async throws -> RunEnd {
        var settings = RunSettings(campaign: ledger.campaign, mchID: "10000098", perMinute: 1800, quietHours: nil)
        settings.inFlight = inFlight
        let runner = Runner(
            ledger: ledger, api: api, settings: settings, clock: VirtualClock(start: morning), random: { 0 }, observe: observe)
        return try await runner.run()
    }

    static func failure(_ code: String, _ description: String) -> [(String, String)] {
        [("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", code), ("err_code_des", description)]
    }

    static let processing = failure("PROCESSING", "请求已受理，请稍后使用原单号查询发放结果")

    @Test func lostAnswerThenCrashIsSentAgainUnderItsBillNumberAndPaidOnce() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Self.openid(0): [.payAndLoseAnswer]])
        await ledger.crashOnRecord()
        await #expect(throws: InMemoryLedger.Crash.self) { try await Self.run(ledger, api) }
        let crashed = try #require(await ledger.item(line: 2))
        #expect(crashed.state == .sending, "the crash left the item in flight")
        let bill = try #require(crashed.billNumber)

        #expect(try await Self.run(ledger, api) == .complete)
        #expect(await api.requests == [.send(bill), .send(bill)])
        #expect(await api.payments.count == 1)
        let item = try #require(await ledger.item(line: 2))
        #expect(item.state == .sent)
        #expect(item.billNumber == bill)
        #expect(item.sendListID == (await api.payments[bill])?.listID, "the re-entry answer names the first payment")
    }

    enum Settled: String, CaseIterable, Sendable {
        case sending, sent, failed, notFound
    }

    @Test(arguments: Settled.allCases)
    func processingIsSettledWithGethbinfo(_ settled: Settled) async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let openid = Self.openid(0)
        let api: ScriptedAPI
        switch settled {
        case .sent: api = ScriptedAPI(sends: [openid: [.payAndAnswer(Self.processing)]])
        case .notFound: api = ScriptedAPI(sends: [openid: [.answer(Self.processing)]])
        case .sending: api = ScriptedAPI(sends: [openid: [.answer(Self.processing)]], queries: [openid: [.status(.sending)]])
        case .failed: api = ScriptedAPI(sends: [openid: [.answer(Self.processing)]], queries: [openid: [.status(.failed)]])
        }
        #expect(try await Self.run(ledger, api) == .complete)
        let item = try #require(await ledger.item(line: 2))
        let bill = try #require(item.billNumber)
        switch settled {
        case .sent, .failed:
            #expect(await api.requests == [.send(bill), .query(bill)], "settled without sending again")
        case .sending, .notFound:
            #expect(await api.requests == [.send(bill), .query(bill), .send(bill)], "still unknown: sent again, same number")
        }
        #expect(item.state == (settled == .failed ? .failed : .sent))
        #expect(item.errCode == (settled == .failed ? "FAILED" : "PROCESSING"))
        #expect(await api.payments.count == (settled == .failed ? 0 : 1))
    }

    @Test func successEchoingAnotherRecipientIsNoProofAndIsAskedAgain() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let echo: [(String, String)] = [
            ("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("re_openid", Self.openid(9)),
            ("total_amount", "1000"), ("send_listid", "999"),
        ]
        let api = ScriptedAPI(sends: [Self.openid(0): [.answer(echo)]])
        #expect(try await Self.run(ledger, api) == .complete)
        let item = try #require(await ledger.item(line: 2))
        let bill = try #require(item.billNumber)
        #expect(await api.requests == [.send(bill), .send(bill)])
        #expect(await api.payments.values.map(\.openid) == [Self.openid(0)])
        #expect(item.state == .sent)
        #expect(item.sendListID != "999", "the mismatched answer's list id was never taken")
        let first = try #require(await ledger.attempts.first)
        #expect(first.outcome == "unknown")
        #expect(first.detail == "answer echoes re_openid \(Self.openid(9)), expected \(Self.openid(0))")
    }

    @Test func stopRunAnswerLetsRequestsInFlightFinishAndStartsNoMore() async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 1000, count: 6))
        let notEnough = Self.failure("NOTENOUGH", "余额不足")
        let api = ScriptedAPI(sends: [
            Self.openid(0): [.afterArrivals(3, then: .answer(notEnough))],
            Self.openid(1): [.afterGate("stopping", then: .pay)],
            Self.openid(2): [.afterGate("stopping", then: .pay)],
        ])
        let end = try await Self.run(ledger, api, inFlight: 3...3) { event in
            if case .stopping = event { Task { await api.open("stopping") } }
        }
        #expect(end == .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足")))
        let items = await ledger.items
        let bills = items.map(\.billNumber)
        #expect(bills.allSatisfy { $0 != nil }, "every claimed item keeps its bill number")
        #expect(Set(await api.requests) == Set(bills.prefix(3).compactMap { $0.map(ScriptedAPI.Request.send) }))
        #expect(await api.requests.count == 3, "no request started after the stop")
        #expect(items.map(\.state) == [.retrying, .sent, .sent, .pending, .pending, .pending])
        #expect(items[0].errCode == "NOTENOUGH")
        #expect(items.suffix(3).allSatisfy { $0.attempts == 0 }, "claimed but never sent")
        #expect(Set(await api.payments.keys) == Set(bills[1...2].compactMap { $0 }))
    }
}
