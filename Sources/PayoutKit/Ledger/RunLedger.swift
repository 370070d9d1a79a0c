import Foundation

/// The run's view of the ledger: where to pick up, bill numbers committed before requests,
/// every outcome recorded before the item is looked at again. The SQLite `Ledger` keeps it
/// durable; the scheduler's unit tests use an in-memory one with the same rules.
public protocol RunLedger: Sendable {
    /// Items left with a bill number and no final outcome, where never-tried items begin,
    /// and the campaign's counts so far.
    func openWork(_ campaignID: String) async throws -> OpenWork
    /// The next never-tried items after `cursor`, in CSV order.
    func unclaimed(_ campaignID: String, after cursor: Int, limit: Int) async throws -> [UnclaimedItem]
    /// Gives `items` the bill numbers `numbers` (one each, in order) and marks them `sending`,
    /// committed before any of them is sent.
    func claim(_ items: [UnclaimedItem], numbers: [BillNumber], now: Date) async throws -> [WorkItem]
    /// Claimed items never sent go back to `pending`, keeping their bill numbers.
    func release(_ items: [WorkItem]) async throws
    /// A `pending` item holding a number (handed back, or reissued) is marked `sending` again,
    /// with the time, committed just before its request goes out.
    func markSending(_ item: WorkItem, now: Date) async throws -> WorkItem
    /// When the last `limit` requests started, so the quota spans runs.
    func recentRequestStarts(limit: Int) async throws -> [Date]
    /// Requests and their effect on items, in one transaction.
    func record(_ records: [AttemptRecord]) async throws
    /// The run's own history, for the report: its start (the number names the run), its
    /// pauses, and how it ended.
    func startRun(_ campaignID: String, at date: Date) async throws -> Int
    func recordPauses(_ pauses: [RunPause], run: Int) async throws
    func finishRun(_ run: Int, end: RunEnd, at date: Date) async throws
}
