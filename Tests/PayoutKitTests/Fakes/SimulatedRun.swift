import Foundation
@testable import PayoutKit

/// A run's bookkeeping driven as the runner's loop drives it, against a server that answers
/// every request `latency` after it starts, on a stepped clock: start times are exact
/// however many requests are in flight, and minutes of sending take milliseconds.
///
/// (The `Runner` itself cannot give this: its requests run as concurrent tasks, and a
/// virtual clock jumps for whichever task sleeps first and moves with the machine's time.)
struct SimulatedRun {
    /// Every start, from the run's beginning.
    var starts: [Duration] = []
    var peakInFlight = 0
    var peakWindow = 0
    /// Starts made while the window was already full.
    var startsPastTheWindow = 0
    var end: RunEnd?

    init(items: Int, perMinute: Int, inFlight: ClosedRange<Int>, latency: Duration) async throws {
        let ledger = InMemoryLedger(amounts: Array(repeating: 100, count: items))
        var settings = RunSettings(campaign: ledger.campaign, perMinute: perMinute, quietHours: nil)
        settings.inFlight = inFlight
        let clock = SteppedClock(start: RunnerTests.morning)
        let origin = clock.instant()
        var state = try await RunState(ledger: ledger, merchant: ledger.merchant, settings: settings, clock: clock, probe: { _ in nil })
        var flying: [(due: Date, item: WorkItem)] = []
        while state.end == nil {
            let now = clock.now()
            while let item = try await state.nextItem(now: now, observe: { _ in }) {
                starts.append(clock.instant() - origin)
                flying.append((now.adding(latency), item))
                if flying.count > state.progress.inFlightLimit { startsPastTheWindow += 1 }
                peakInFlight = max(peakInFlight, flying.count)
            }
            guard let next = (flying.map(\.due) + [state.wakeDeadline(now: now)].compactMap { $0 }).min() else { break }
            try await clock.sleep(until: next)
            let arrived = clock.now()
            for answered in flying where answered.due <= arrived {
                state.complete(answered.item, record: Self.paid(answered.item, latency: latency, at: arrived),
                               outcome: .sent(sendListID: "1000\(answered.item.id)"), now: arrived, observe: { _ in })
                peakWindow = max(peakWindow, state.progress.inFlightLimit)
            }
            flying.removeAll { $0.due <= arrived }
        }
        end = state.end
    }

    /// Starts per minute from the first start to the last.
    var ratePerMinute: Double {
        guard let first = starts.first, let last = starts.last, last > first else { return 0 }
        return Double(starts.count - 1) / ((last - first) / .seconds(60))
    }

    private static func paid(_ item: WorkItem, latency: Duration, at now: Date) -> AttemptRecord {
        AttemptRecord(
            itemID: item.id, billNumber: item.billNumber, kind: .send, startedAt: now.adding(.zero - latency),
            latency: latency, outcome: "sent", newState: .sent, sendListID: "1000\(item.id)")
    }
}
