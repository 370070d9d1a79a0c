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
        clock: VirtualClock = frozen(morning),
        configure: (inout RunSettings) -> Void = { _ in }, observe: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) async throws -> RunEnd {
        var settings = RunSettings(campaign: ledger.campaign, perMinute: 1800, quietHours: nil)
        settings.inFlight = inFlight
        configure(&settings)
        let runner = Runner(
            ledger: ledger, merchant: ledger.merchant, api: api, settings: settings, clock: clock, random: { 0 }, observe: observe)
        return try await runner.run()
    }

    /// A clock that moves only when the run waits: exact times on a loaded machine.
    static func frozen(_ start: Date) -> VirtualClock {
        VirtualClock(start: start, realTime: false)
    }

    /// A clock `hours` after `morning`: how a later run meets an item that aged.
    static func later(hours: Double) -> VirtualClock {
        frozen(morning.addingTimeInterval(hours * 3600))
    }

    /// The bill number the in-memory ledger gives its `sequence`-th claim on `date`.
    static func bill(_ sequence: Int, on date: Date = morning) -> BillNumber {
        BillNumber(mchID: "10000098", dateStamp: BeijingTime.dateStamp(date), sequence: sequence)
    }

    static func failure(_ code: String, _ description: String) -> [(String, String)] {
        [("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", code), ("err_code_des", description)]
    }

    static let processing = failure("PROCESSING", "请求已受理，请稍后使用原单号查询发放结果")

    @Test func lostAnswerThenCrashIsSentAgainUnderItsBillNumberAndPaidOnce() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let clock = Self.frozen(Self.morning)
        let api = ScriptedAPI(sends: [Self.openid(0): [.payAndLoseAnswer]], clock: clock)
        await ledger.crashOnRecord()
        await #expect(throws: InMemoryLedger.Crash.self) { try await Self.run(ledger, api) }
        let crashed = try #require(await ledger.item(line: 2))
        #expect(crashed.state == .sending, "the crash left the item in flight")
        let bill = try #require(crashed.billNumber)

        let restart = clock.now()
        #expect(try await Self.run(ledger, api, clock: clock) == .complete)
        #expect(await api.requests == [.query(bill), .send(bill), .send(bill)], "probed once, then sent twice under one number")
        let resent = try #require(await api.requestTimes.last)
        #expect(resent.timeIntervalSince(restart) >= 1, "a request a crash may have left on the wire is re-sent after ≥ 1 s")
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
            #expect(await api.requests == [.query(bill), .send(bill), .query(bill)], "settled without sending again")
        case .sending, .notFound:
            #expect(await api.requests == [.query(bill), .send(bill), .query(bill), .send(bill)],
                    "still unknown: sent again, same number")
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
        #expect(await api.requests == [.query(bill), .send(bill), .send(bill)])
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
        let end = try await Self.run(ledger, api, inFlight: 3...3, observe: { event in
            if case .stopping = event { Task { await api.open("stopping") } }
        })
        #expect(end == .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足")))
        let items = await ledger.items
        let bills = items.map(\.billNumber)
        #expect(bills.allSatisfy { $0 != nil }, "every claimed item keeps its bill number")
        let requests = await api.requests
        #expect(requests.first == bills[0].map(ScriptedAPI.Request.query), "the first new number probed before any send")
        #expect(Set(requests.dropFirst()) == Set(bills.prefix(3).compactMap { $0.map(ScriptedAPI.Request.send) }))
        #expect(requests.count == 4, "no request started after the stop")
        #expect(items.map(\.state) == [.retrying, .sent, .sent, .pending, .pending, .pending])
        #expect(items[0].errCode == "NOTENOUGH")
        #expect(items.suffix(3).allSatisfy { $0.attempts == 0 }, "claimed but never sent")
        #expect(Set(await api.payments.keys) == Set(bills[1...2].compactMap { $0 }))
    }
}

/// Answers over time: FATAL_ERROR, bill numbers that age, TLS refusals, systematic
/// refusals and clocks that disagree — each asserting the exact requests and final states.
@Suite struct RunnerOverTimeTests {
    typealias Base = RunnerTests

    static let fatal = ScriptedAPI.fatalError
    static let systemError = Base.failure("SYSTEMERROR", "系统繁忙,请稍后再试.")

    @Test func fatalErrorForOurOwnPaymentIsSettledAsSent() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.payAndLoseAnswer, .answer(Self.fatal)]])
        #expect(try await Base.run(ledger, api) == .complete)
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1)), .send(Base.bill(1)), .query(Base.bill(1))],
                "settled, never sent again")
        #expect(await ledger.item(line: 2)?.state == .sent)
    }

    @Test func fatalErrorForAnotherPaymentIsABillNumberConflict() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.paidElsewhereFirst(to: Base.openid(7), amount: Amount(fen: 500), then: .pay)]])
        #expect(try await Base.run(ledger, api) == .complete)
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1)), .query(Base.bill(1))])
        let item = try #require(await ledger.item(line: 2))
        #expect(item.state == .failed)
        #expect(item.errCode == "BILLNO_CONFLICT")
        #expect(await api.payments.count == 1, "only the other payment exists: this item was not paid")
    }

    /// The model checker's counterexample to `every_item_settles`: the FATAL_ERROR answer is
    /// lost, the item grows old and is never sent again, so only gethbinfo's record of the
    /// other payment can settle it.
    @Test func anOldItemWhoseNumberHoldsAnotherPaymentIsABillNumberConflict() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [
            .paidElsewhereFirst(to: Base.openid(7), amount: Amount(fen: 500), then: .payAndLoseAnswer),
        ]])
        #expect(try await Base.run(ledger, api) { $0.retry.attemptsPerRun = 1 } == .retriesExhausted(items: 1))
        #expect(try await Base.run(ledger, api, clock: Base.later(hours: 21)) == .complete)
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1)), .query(Base.bill(1))], "settled, never sent again")
        let item = try #require(await ledger.item(line: 2))
        #expect(item.state == .failed)
        #expect(item.errCode == "BILLNO_CONFLICT")
        #expect(await api.payments.count == 1, "only the other payment exists")
    }

    @Test func fatalErrorThenAnAnswerAboutAnotherNumberSettlesNothing() throws {
        let bill = Base.bill(1)
        let item = WorkItem(
            id: 1, line: 2, openid: Base.openid(0), amount: Amount(fen: 1000), billNumber: bill, state: .retrying, attempts: 1,
            nextAttemptAt: nil, lastErrCode: ErrorCode.fatalError.rawValue, firstRequestAt: Base.morning)
        let misdirected = HongbaoRecord(
            billNumber: Base.bill(2).rawValue, status: .sent, detailID: "d", openid: Base.openid(7), amount: Amount(fen: 500),
            reason: nil)
        let settled = try #require(Settlement(.found(misdirected), for: item, now: Base.morning, policy: RetryPolicy()))
        #expect(settled.outcome == .unknown(reason: "gethbinfo answered for bill number \(Base.bill(2))"),
                "an answer about another number proves nothing about this one")
    }

    @Test func fatalErrorUnknownToGethbinfoIsAskedAgainNeverResent() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Self.fatal)]])
        #expect(try await Base.run(ledger, api) == .retriesExhausted(items: 1))
        let requests = await api.requests
        #expect(requests.prefix(2) == [.query(Base.bill(1)), .send(Base.bill(1))])
        #expect(requests.dropFirst(2).allSatisfy { $0 == .query(Base.bill(1)) } && requests.count > 3)
        #expect(await ledger.item(line: 2)?.state == .retrying)
    }

    @Test(arguments: [false, true])
    func anItemUnknownForADayIsSettledBeforeAnyRequest(paid: Bool) async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [paid ? .payAndLoseAnswer : .answer(Self.systemError)]])
        #expect(try await Base.run(ledger, api) { $0.retry.attemptsPerRun = 1 } == .retriesExhausted(items: 1))
        #expect(try await Base.run(ledger, api, clock: Base.later(hours: 25)) == .complete)
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1)), .query(Base.bill(1))], "asked, never re-sent blindly")
        let item = try #require(await ledger.item(line: 2))
        #expect(item.state == (paid ? .sent : .failed))
        if !paid { #expect(item.errCode == "EXPIRED") }
        #expect(await api.payments.count == (paid ? 1 : 0))
    }

    @Test func aNumberUnknownAfterTwentyOneHoursMayStillBeSentAgain() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Self.systemError)]])
        _ = try await Base.run(ledger, api) { $0.retry.attemptsPerRun = 1 }
        #expect(try await Base.run(ledger, api, clock: Base.later(hours: 21)) == .complete)
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1)), .query(Base.bill(1)), .send(Base.bill(1))])
        #expect(await ledger.item(line: 2)?.state == .sent)
    }

    @Test func anItemUnknownForThirtyDaysIsNeverSentAgain() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Self.systemError)]])
        _ = try await Base.run(ledger, api) { $0.retry.attemptsPerRun = 1 }
        #expect(try await Base.run(ledger, api, clock: Base.later(hours: 31 * 24)) == .needsMerchantRecords(items: 1))
        #expect(await api.requests == [.query(Base.bill(1)), .send(Base.bill(1))])
        #expect(await ledger.item(line: 2)?.state == .retrying)
    }

    @Test func tlsRefusalLeavesTheItemRetrying() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 1000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.refuseTLS]])
        let end = try await Base.run(ledger, api, inFlight: 1...1)
        guard case .merchantRefused(.tlsRefused) = end else {
            Issue.record("expected a TLS refusal, got \(end)")
            return
        }
        #expect(await ledger.items.map(\.state) == [.retrying, .pending], "the request may have gone out")
    }

    @Test func fiveSetUpRefusalsInARowStopTheRunAndLeaveTheRestUntouched() async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 1000, count: 8))
        let moneyLimit = Base.failure("MONEY_LIMIT", "每个红包金额必须在100分到20000分之间")
        let api = ScriptedAPI(first: Array(repeating: .answer(moneyLimit), count: 5))
        let end = try await Base.run(ledger, api, inFlight: 1...1)
        #expect(end == .merchantRefused(.repeatedFailure(ErrorCode("MONEY_LIMIT"), message: "每个红包金额必须在100分到20000分之间", items: 5)))
        #expect(await api.requests.count == 6, "the probe, then five sends")
        #expect(await ledger.items.map(\.state) == Array(repeating: .failed, count: 5) + Array(repeating: .pending, count: 3))
    }

    @Test func aPaymentBetweenRefusalsBreaksTheRow() async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 1000, count: 8))
        let paramError = Base.failure("PARAM_ERROR", "参数错误")
        let api = ScriptedAPI(first: Array(repeating: .answer(paramError), count: 4) + [.pay] + Array(repeating: .answer(paramError), count: 3))
        #expect(try await Base.run(ledger, api, inFlight: 1...1) == .complete)
        #expect(await ledger.items.filter { $0.state == .failed }.count == 7)
    }

    /// Local quiet window 01:00–07:00, the server's 00:00–08:00, 00:30 Beijing time: the
    /// server refuses while this machine says it may send.
    @Test func timeLimitedOutsideTheLocalWindowBacksOffAndProbesOneAtATime() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 1000, 1000])
        let halfPastMidnight = Date(timeIntervalSince1970: 1_802_363_400)
        let clock = Base.frozen(halfPastMidnight)
        let timeLimited = Base.failure("TIME_LIMITED", "发送时间受限")
        // The first wave's answers wait until all three have arrived: the frozen clock jumps
        // as soon as the run sleeps for its back-off, and a request still on its way would
        // arrive a minute late.
        let wave = Array(repeating: ScriptedAPI.Send.afterArrivals(3, then: .answer(timeLimited)), count: 3)
        let api = ScriptedAPI(first: wave + Array(repeating: .answer(timeLimited), count: 3), clock: clock)
        let end = try await Base.run(ledger, api, clock: clock) { $0.quietHours = QuietHours(parsing: "01:00-07:00") }
        #expect(end == .complete)
        let offsets = await api.requestTimes.map { Int($0.timeIntervalSince(halfPastMidnight).rounded()) }
        #expect(offsets == [0, 0, 0, 0, 60, 180, 420, 900, 900, 900],
                "the new number's gethbinfo, one wave, then one probe per back-off step (60, 120, 240, 480 s), then the rest")
        #expect(await ledger.items.allSatisfy { $0.state == .sent })
    }
}
