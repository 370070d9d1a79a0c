import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Testing

/// What a run shares with the merchant's other runs: bill numbers checked with the server
/// before first use, the recipients' daily caps, and the per-minute quota.
@Suite struct RunnerMerchantTests {
    typealias Base = RunnerTests

    @Test func aFreshNumberTheServerKnowsStopsTheRunBeforeAnySend() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI()
        await api.paid(Base.bill(1), to: Base.openid(7), amount: Amount(fen: 500))
        #expect(try await Base.run(ledger, api) == .merchantRefused(.billNumberInUse(Base.bill(1))))
        #expect(await api.requests == [.query(Base.bill(1))], "asked, nothing sent")
        let untouched = try #require(await ledger.item(line: 2))
        #expect(untouched.state == .pending && untouched.billNumber == nil, "the known number was never given to the item")

        #expect(try await Base.run(ledger, api) == .complete)
        let next = Base.bill(1 + RunSettings.defaultBillNumberBlock)
        #expect(await api.requests.suffix(2) == [.query(next), .send(next)], "the next run probes the first of a fresh block")
        #expect(await ledger.item(line: 2)?.state == .sent)
        #expect(await api.payments[Base.bill(1)]?.openid == Base.openid(7), "the other payment is left alone")
    }

    /// A number a stopped run handed back may have been sent since by a run killed before it
    /// recorded the answer: the server knowing it is no reason to stop, and it is never probed.
    @Test func aCarriedNumberIsNeverProbed() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 2000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Base.failure("NOTENOUGH", "余额不足"))]])
        _ = try await Base.run(ledger, api, inFlight: 1...1)
        let released = try #require(await ledger.item(line: 3))
        #expect(released.state == .pending && released.attempts == 0, "claimed, never sent, handed back with its number")
        let number = try #require(released.billNumber)
        await api.paid(number, to: released.openid, amount: released.amount)
        let before = await api.requests.count

        #expect(try await Base.run(ledger, api) == .complete)
        #expect(!(await api.requests.dropFirst(before).contains(.query(number))), "the carried number is sent, not probed")
        #expect(await ledger.items.map(\.state) == [.sent, .sent])
        #expect(await api.payments.count == 2, "re-entry: the earlier payment, not a second one")
    }

    /// The probe asks again when the server does not answer — unless Ctrl-C came first.
    @Test func ctrlCDuringTheProbesRetriesEndsTheRunBeforeAnySend() async throws {
        let ledger = InMemoryLedger(amounts: [1000])
        let api = ScriptedAPI()
        await api.dropQueries(3)
        #expect(try await Base.run(ledger, api) == .billNumberUnchecked(Base.bill(1), reason: "no answer"))
        #expect(await api.requests == Array(repeating: .query(Base.bill(1)), count: 3), "asked three times, nothing sent")

        await api.dropQueries(3)
        let stop = StopSignal()
        stop.trip()
        let runner = Runner(ledger: ledger, merchant: ledger.merchant, api: api,
                            settings: RunSettings(campaign: ledger.campaign, perMinute: 1800, quietHours: nil),
                            clock: Base.frozen(Base.morning), stop: stop, random: { 0 })
        #expect(try await runner.run() == .interrupted)
        #expect(await api.requests.count == 4, "one more question, no second try and no send")
        #expect(await ledger.item(line: 2)?.billNumber == nil)
    }

    /// An item sent from `pending` (handed back, or reissued) is marked `sending` first: a
    /// crash during its request leaves it "maybe on the wire", aged from then, not looking
    /// never sent.
    @Test func aHandedBackItemIsMarkedSendingBeforeItsRequest() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 2000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Base.failure("NOTENOUGH", "余额不足"))]])
        _ = try await Base.run(ledger, api, inFlight: 1...1)
        let released = try #require(await ledger.item(line: 3))
        #expect(released.state == .pending && released.claimedAt == nil)

        await ledger.crashOnRecord(ofItem: released.id)
        let later = Base.morning.addingTimeInterval(3600)
        await #expect(throws: InMemoryLedger.Crash.self) {
            try await Base.run(ledger, api, inFlight: 1...1, clock: Base.frozen(later))
        }
        let crashed = try #require(await ledger.item(line: 3))
        #expect(await api.requests.last == .send(try #require(released.billNumber)), "its request went out")
        #expect(crashed.state == .sending && crashed.claimedAt == later, "on the wire for all the next run knows, since then")
    }

    /// A run that waits past midnight before its first claim probes the new day's numbers.
    @Test func aNewDaysFirstNumbersAreProbedBeforeTheyAreGiven() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 1000])
        let halfPastEleven = Date(timeIntervalSince1970: 1_802_446_200)
        let clock = Base.frozen(halfPastEleven)
        let api = ScriptedAPI(clock: clock)
        let tomorrow = BeijingTime.dateStamp(BeijingTime.nextDay(after: halfPastEleven))
        await api.paid(BillNumber(mchID: "10000098", dateStamp: tomorrow, sequence: 1), to: Base.openid(7), amount: Amount(fen: 500))
        let end = try await Base.run(ledger, api, clock: clock) { $0.quietHours = QuietHours(parsing: "23:00-08:00") }
        let known = BillNumber(mchID: "10000098", dateStamp: tomorrow, sequence: 1)
        #expect(end == .merchantRefused(.billNumberInUse(known)), "waited through the night, then checked the morning's first number")
        #expect(await api.requests == [.query(known)], "nothing sent")
    }

    @Test func aRecipientOverTheDailyCountWaitsForTheNextBeijingDay() async throws {
        let openid = Base.openid(0)
        let ledger = InMemoryLedger(amounts: [100, 200, 300], openids: [openid, openid, openid])
        let clock = Base.frozen(Base.morning)
        let api = ScriptedAPI(clock: clock)
        let midnight = BeijingTime.nextDay(after: Base.morning)
        let capped = { (settings: inout RunSettings) in settings.dailyCaps = DailyCaps(count: 2, amount: Amount(fen: 100_000)) }

        let stopped = try await Base.run(ledger, api, clock: clock) {
            capped(&$0)
            $0.noWait = true
        }
        #expect(stopped == .dailyCaps(items: 1, until: midnight))
        #expect(await ledger.items.map(\.state) == [.sent, .sent, .pending])
        #expect(await ledger.items[2].billNumber == nil, "held back before it was given a number")

        #expect(try await Base.run(ledger, api, clock: clock, configure: capped) == .complete)
        #expect(await ledger.items.map(\.state) == [.sent, .sent, .sent])
        let third = try #require(await api.requestTimes.last)
        #expect(third >= midnight, "paid on the next Beijing day, not over today's cap")
    }

    /// The run waits for the next day only once nothing is in flight: an answer lost
    /// meanwhile is asked again within seconds, not held by the pause until midnight.
    @Test func anAnswerLostWhileTheRestIsHeldIsAskedAgainTheSameDay() async throws {
        let openid = Base.openid(0)
        let ledger = InMemoryLedger(amounts: [100, 200, 300], openids: [openid, openid, openid])
        let clock = Base.frozen(Base.morning)
        let api = ScriptedAPI(sends: [openid: [.afterGate("answer", then: .payAndLoseAnswer)]], clock: clock)
        let midnight = BeijingTime.nextDay(after: Base.morning)
        // The first answer comes back once the run has paused for the caps, or after a moment
        // when it does not pause while the request is out.
        let fallback = Task {
            try await Task.sleep(for: .milliseconds(200))
            await api.open("answer")
        }
        defer { fallback.cancel() }
        let end = try await Base.run(ledger, api, clock: clock) {
            $0.dailyCaps = DailyCaps(count: 2, amount: Amount(fen: 100_000))
        } observe: { event in
            if case .paused = event { Task { await api.open("answer") } }
        }
        #expect(end == .complete)
        let sends = zip(await api.requests, await api.requestTimes).filter { $0.0.isSend }.map(\.1)
        #expect(sends.count == 4)
        #expect(sends.prefix(3).allSatisfy { $0 < midnight }, "two sends and the lost one asked again, all today")
        #expect(sends.last.map { $0 >= midnight } == true, "the third packet waits for the next day")
        #expect(await api.payments.count == 3)
    }

    @Test func theDailyAmountCapHoldsBackTheItemThatWouldPassIt() async throws {
        let openid = Base.openid(0)
        let ledger = InMemoryLedger(amounts: [600, 500, 400], openids: [openid, Base.openid(1), openid])
        let end = try await Base.run(ledger, ScriptedAPI()) {
            $0.dailyCaps = DailyCaps(count: 10, amount: Amount(fen: 999))
            $0.noWait = true
        }
        #expect(end == .dailyCaps(items: 1, until: BeijingTime.nextDay(after: Base.morning)))
        #expect(await ledger.items.map(\.state) == [.sent, .sent, .pending], "600 + 400 would pass 999 fen: the 400 waits")
    }

    /// A packet counts on the day it is sent: an item a stopped run handed back with its
    /// number goes through the caps again on the day a later run sends it.
    @Test func aNumberHandedBackIsAdmittedOnTheDayItIsSent() async throws {
        let ledger = InMemoryLedger(amounts: [1000, 2000])
        let api = ScriptedAPI(sends: [Base.openid(0): [.answer(Base.failure("NOTENOUGH", "余额不足"))]])
        let caps = DailyCaps(count: 1, amount: Amount(fen: 100_000))
        _ = try await Base.run(ledger, api, inFlight: 1...1) { $0.dailyCaps = caps }
        let released = try #require(await ledger.item(line: 3))
        let number = try #require(released.billNumber)
        #expect(released.state == .pending && released.attempts == 0, "claimed, never sent, handed back with its number")

        let nextDay = Base.morning.addingTimeInterval(86_400)
        await Self.paidElsewhere(released.openid, on: nextDay, merchant: ledger.merchant, caps: caps)
        let held = try await Base.run(ledger, api, clock: Base.frozen(nextDay)) {
            $0.dailyCaps = caps
            $0.noWait = true
        }
        #expect(held == .dailyCaps(items: 1, until: BeijingTime.nextDay(after: nextDay)))
        #expect(!(await api.requests.contains(.send(number))), "the recipient had its packet of the day")
        let waiting = try #require(await ledger.item(line: 3))
        #expect(waiting.state == .pending && waiting.billNumber == number, "held with its number")

        let dayAfter = nextDay.addingTimeInterval(86_400)
        #expect(try await Base.run(ledger, api, clock: Base.frozen(dayAfter)) { $0.dailyCaps = caps } == .complete)
        #expect(await api.requests.last == .send(number), "sent under the number it was given")
        #expect(await ledger.items.map(\.state) == [.sent, .sent])
    }

    /// The quiet hours or the rate can keep a claimed item past midnight: it is admitted
    /// again for the day it is sent, not counted against the day it was claimed. Held a
    /// whole day more, it is still sent as never sent — not taken for a request a day old.
    @Test func anItemClaimedBeforeMidnightAndSentAfterIsAdmittedForTheNewDay() async throws {
        let ledger = InMemoryLedger(amounts: [100, 200], openids: [Base.openid(5), Base.openid(0)])
        let midnight = BeijingTime.nextDay(after: Base.morning)
        let clock = Base.frozen(midnight.addingTimeInterval(-30))
        let api = ScriptedAPI(clock: clock)
        let caps = DailyCaps(count: 1, amount: Amount(fen: 100_000))
        await Self.paidElsewhere(Base.openid(0), on: midnight, merchant: ledger.merchant, caps: caps)
        let end = try await Base.run(ledger, api, clock: clock) {
            $0.dailyCaps = caps
            $0.perMinute = 1
        }
        #expect(end == .complete)
        let sends = zip(await api.requests, await api.requestTimes).filter { $0.0.isSend }
        let claimedDay = BeijingTime.dateStamp(Base.morning)
        #expect(sends.count == 2)
        #expect(await ledger.items[0].billNumber?.dateStamp == claimedDay, "the first was claimed and sent before midnight")
        #expect(sends.last.map { $0.1 >= BeijingTime.nextDay(after: midnight) } == true,
                "the second item's new day had its packet: it waits one more day")
        #expect(await ledger.items.map(\.state) == [.sent, .sent])
        #expect(await ledger.items[1].billNumber?.dateStamp == claimedDay, "sent under the number it was claimed with")
    }

    /// Items held yesterday (never tried) and today (claimed before midnight) each wait for
    /// the day after their own: yesterday's are work again, today's are not.
    @Test func heldItemsOfTwoDaysEachWaitForTheirOwnNextDay() async throws {
        let (a, c) = (Base.openid(1), Base.openid(3))
        let ledger = InMemoryLedger(amounts: [100, 200, 300], openids: [a, a, c])
        let midnight = BeijingTime.nextDay(after: Base.morning)
        let clock = Base.frozen(midnight.addingTimeInterval(-30))
        let api = ScriptedAPI(clock: clock)
        let caps = DailyCaps(count: 1, amount: Amount(fen: 100_000))
        await Self.paidElsewhere(c, on: midnight, merchant: ledger.merchant, caps: caps)
        let end = try await Base.run(ledger, api, clock: clock) {
            $0.dailyCaps = caps
            $0.perMinute = 1
            $0.noWait = true
        }
        #expect(end == .dailyCaps(items: 1, until: BeijingTime.nextDay(after: midnight)))
        let sent = await ledger.items.map(\.state)
        #expect(sent == [.sent, .sent, .pending], "a's second packet the next day; c had its packet of that day elsewhere")
        let cNumber = try #require(await ledger.items[2].billNumber)
        #expect(!(await api.requests.contains(.send(cNumber))))
    }

    /// Claimed items the quiet hours keep are handed back when the pause begins: a run
    /// killed during the night leaves them never sent, so the next run admits them through
    /// the new day's caps, instead of `sending` — on the wire, for all it could tell.
    @Test func claimedItemsAreHandedBackWhenTheQuietHoursBegin() async throws {
        let ledger = InMemoryLedger(amounts: [100, 200])
        let midnight = BeijingTime.nextDay(after: Base.morning)
        let clock = Base.frozen(midnight.addingTimeInterval(-30))
        await ledger.crashOnPause()
        await #expect(throws: InMemoryLedger.Crash.self) {
            try await Base.run(ledger, ScriptedAPI(clock: clock), clock: clock) {
                $0.perMinute = 1
                $0.quietHours = .default
            }
        }
        let kept = try #require(await ledger.item(line: 3))
        #expect(kept.state == .pending && kept.billNumber != nil && kept.claimedAt == nil,
                "claimed before midnight, never sent, handed back with its number")

        let caps = DailyCaps(count: 1, amount: Amount(fen: 100_000))
        await Self.paidElsewhere(kept.openid, on: midnight.addingTimeInterval(9 * 3600), merchant: ledger.merchant, caps: caps)
        let morning = Base.frozen(midnight.addingTimeInterval(9 * 3600))
        let end = try await Base.run(ledger, ScriptedAPI(clock: morning), clock: morning) {
            $0.dailyCaps = caps
            $0.noWait = true
        }
        #expect(end == .dailyCaps(items: 1, until: BeijingTime.nextDay(after: midnight)), "the new day's caps apply to it")
    }

    /// Items a cap held yesterday are work again at midnight — and midnight is in the quiet
    /// hours: they wait for 08:00 even while other requests are still out.
    @Test func itemsHeldYesterdayWaitForTheQuietHoursToEnd() async throws {
        let ledger = InMemoryLedger(amounts: [100, 200, 300, 400])
        let midnight = BeijingTime.nextDay(after: Base.morning)
        let clock = Base.frozen(midnight.addingTimeInterval(-10))
        let api = ScriptedAPI(sends: [
            Base.openid(0): [.answer(Base.failure("NOTENOUGH", "余额不足"))],
            Base.openid(2): [.afterGate("third", then: .pay)],
            Base.openid(3): [.afterGate("first", then: .pay)],
        ], clock: clock)
        let caps = DailyCaps(count: 1, amount: Amount(fen: 100_000))
        let dayBefore = Base.morning.addingTimeInterval(-86_400)
        _ = try await Base.run(ledger, api, inFlight: 1...1, clock: Base.frozen(dayBefore)) { $0.dailyCaps = caps }
        let held = try #require(await ledger.item(line: 3))
        let number = try #require(held.billNumber)
        #expect(held.state == .pending, "handed back by the stopped run")

        await Self.paidElsewhere(held.openid, on: Base.morning, merchant: ledger.merchant, caps: caps)
        async let end = Base.run(ledger, api, clock: clock) {
            $0.dailyCaps = caps
            $0.quietHours = .default
        }
        while await api.requests.filter(\.isSend).count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        clock.advance(by: .seconds(20))
        await api.open("first")
        try await Task.sleep(for: .milliseconds(50))
        await api.open("third")
        #expect(try await end == .complete, "the first item, unanswered for over a day, is settled by gethbinfo")
        let sends = zip(await api.requests, await api.requestTimes).filter { $0.0 == .send(number) }.map(\.1)
        #expect(sends.count == 1)
        #expect(sends.allSatisfy { $0 >= midnight.addingTimeInterval(8 * 3600) }, "not in the quiet hours: \(sends)")
    }

    /// Another campaign of the merchant charged `openid` its caps on `day`.
    static func paidElsewhere(_ openid: String, on day: Date, merchant: InMemoryMerchant, caps: DailyCaps) async {
        let other = UnclaimedItem(id: 10_000, line: 2, openid: openid, amount: Amount(fen: 100), attempts: 0)
        #expect(await merchant.admit([other], now: day, caps: caps) == [other])
    }

    @Test func twoRunsOfOneMerchantShareItsQuota() async throws {
        let first = InMemoryLedger(amounts: Array(repeating: 100, count: 12))
        let second = InMemoryLedger(amounts: Array(repeating: 100, count: 12))
        let merchant = InMemoryMerchant()
        let clock = Base.frozen(Base.morning)
        let api = ScriptedAPI(clock: clock)
        var settings = RunSettings(campaign: first.campaign, perMinute: 10, quietHours: nil)
        settings.dailyCaps = nil
        async let one = Runner(ledger: first, merchant: merchant, api: api, settings: settings, clock: clock, random: { 0 }).run()
        async let two = Runner(ledger: second, merchant: merchant, api: api, settings: settings, clock: clock, random: { 0 }).run()
        #expect(try await [one, two] == [.complete, .complete])
        let starts = await merchant.starts
        #expect(starts.count == 24)
        for start in starts {
            #expect(starts.filter { $0 >= start && $0 < start.addingTimeInterval(60) }.count <= 10, "at most 10 in the minute from \(start)")
        }
    }
}
