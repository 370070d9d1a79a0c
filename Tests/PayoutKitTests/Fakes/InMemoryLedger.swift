import Foundation
@testable import PayoutKit

/// The run's view of the ledger, in memory, with the SQLite ledger's rules: a bill number is
/// committed before any request and never changes, a state changes only as a claim, a
/// release or an answer in `ItemTransition.all` allows (this ledger has no reissue, so a
/// final state never changes here), and an outcome for an unknown item or bill number is
/// refused. It survives a "crash" (a run that
/// throws) the way the file does, so a second `Runner` resumes from it.
actor InMemoryLedger: RunLedger {
    struct Item: Equatable {
        var id: Int
        var line: Int
        var openid: String
        var amount: Amount
        var state = ItemState.pending
        var billNumber: BillNumber?
        var attempts = 0
        var nextAttemptAt: Date?
        var errCode: String?
        var sendListID: String?
        var claimedAt: Date?
        var firstSentAt: Date?
    }

    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    /// Thrown by `record` in place of committing: the process died between a request and
    /// the write of its outcome.
    struct Crash: Error {}

    private(set) var items: [Item]
    private(set) var attempts: [AttemptRecord] = []
    /// Each run's start, pauses and end, by run number.
    private(set) var runs: [(started: Date, pauses: [RunPause], end: RunEnd?)] = []
    private var crashesOnRecord = 0
    private var crashOnItem: Int?
    private var crashesOnPause = false
    let campaign: CampaignRecord
    /// The merchant registry the ledger's runs share: numbers go on across runs.
    nonisolated let merchant = InMemoryMerchant()

    /// `amounts` in fen, one item per entry, lines from 2 as in a CSV with a header; each
    /// item for a recipient of its own unless `openids` names them.
    init(amounts: [Int], campaignID: String = "c1", openids: [String]? = nil) {
        items = amounts.enumerated().map { index, fen in
            Item(id: index + 1, line: index + 2, openid: openids?[index] ?? "o\(String(format: "%027d", index))", amount: Amount(fen: fen))
        }
        campaign = CampaignRecord(
            id: campaignID, mchID: "10000098", wxappid: "wx8888888888888888",
            texts: CampaignTexts(actName: "猜灯谜", wishing: "元宵节快乐", remark: "快来抢", sendName: "天虹百货",
                                 nickName: "天虹百货", sceneID: nil),
            recipientsPath: "r.csv", recipientsFingerprint: "", extraColumns: [], itemCount: amounts.count,
            total: Amount(fen: amounts.reduce(0, +)), itemIDs: 1...max(1, amounts.count), importedAt: "")
    }

    /// The next pause the run writes crashes it instead: a kill during the quiet hours.
    func crashOnPause() {
        crashesOnPause = true
    }

    /// Recording the next outcome of item `id` crashes instead of committing.
    func crashOnRecord(ofItem id: Int) {
        crashOnItem = id
    }

    /// The next `count` calls to `record` crash instead of committing.
    func crashOnRecord(_ count: Int = 1) {
        crashesOnRecord = count
    }

    func item(line: Int) -> Item? {
        items.first { $0.line == line }
    }

    func openWork(_ campaignID: String) throws -> OpenWork {
        let carried = items.filter { $0.billNumber != nil && ($0.state == .pending || $0.state == .sending || $0.state == .retrying) }
        let firstNew = items.first { $0.billNumber == nil && $0.state == .pending }?.id ?? items.count + 1
        return OpenWork(
            carried: carried.map(workItem), pendingCursor: firstNew - 1, lastItemID: items.count, status: status())
    }

    func unclaimed(_ campaignID: String, after cursor: Int, limit: Int) -> [UnclaimedItem] {
        items.filter { $0.id > cursor && $0.state == ItemTransition.claim.from && $0.billNumber == nil }.prefix(limit).map {
            UnclaimedItem(id: $0.id, line: $0.line, openid: $0.openid, amount: $0.amount, attempts: $0.attempts)
        }
    }

    func claim(_ claimed: [UnclaimedItem], numbers: [BillNumber], now: Date) throws -> [WorkItem] {
        try zip(claimed, numbers).map { item, billNumber in
            guard let index = items.firstIndex(where: { $0.id == item.id }),
                  items[index].state == ItemTransition.claim.from, items[index].billNumber == nil else {
                throw Violation(description: "item \(item.id) is no longer never-tried")
            }
            items[index].billNumber = billNumber
            items[index].state = ItemTransition.claim.to
            items[index].claimedAt = now
            return workItem(items[index])
        }
    }

    func release(_ released: [WorkItem]) throws {
        for item in released {
            guard let index = items.firstIndex(where: { $0.id == item.id }),
                  items[index].state == ItemTransition.release.from, items[index].attempts == 0 else { continue }
            items[index].state = ItemTransition.release.to
            items[index].claimedAt = nil
        }
    }

    func markSending(_ item: WorkItem, now: Date) throws -> WorkItem {
        guard let index = items.firstIndex(where: { $0.id == item.id }), items[index].state == ItemTransition.claim.from,
              items[index].billNumber == item.billNumber else {
            throw LedgerError("item \(item.id) is no longer pending under bill number \(item.billNumber)")
        }
        items[index].state = ItemTransition.claim.to
        items[index].claimedAt = now
        var marked = item
        marked.state = ItemTransition.claim.to
        marked.firstRequestAt = now
        return marked
    }

    func recentRequestStarts(limit: Int) throws -> [Date] {
        attempts.suffix(limit).reversed().map(\.startedAt)
    }

    func record(_ records: [AttemptRecord]) throws {
        if crashOnItem.map({ id in records.contains { $0.itemID == id } }) == true {
            crashOnItem = nil
            throw Crash()
        }
        if crashesOnRecord > 0 {
            crashesOnRecord -= 1
            throw Crash()
        }
        for record in records {
            guard let index = items.firstIndex(where: { $0.id == record.itemID && $0.billNumber == record.billNumber }) else {
                throw Violation(description: "item \(record.itemID) with bill number \(record.billNumber) is not in the ledger")
            }
            try ItemTransition.checkAnswer(item: record.itemID, from: items[index].state, to: record.newState)
            items[index].state = record.newState
            items[index].errCode = record.errCode ?? items[index].errCode
            items[index].sendListID = record.sendListID.flatMap { $0.isEmpty ? nil : $0 } ?? items[index].sendListID
            items[index].attempts += record.kind == .send ? 1 : 0
            if record.kind == .send, items[index].firstSentAt == nil { items[index].firstSentAt = record.startedAt }
            items[index].nextAttemptAt = record.nextAttemptAt
            attempts.append(record)
        }
    }

    func startRun(_ campaignID: String, at date: Date) throws -> Int {
        runs.append((date, [], nil))
        return runs.count
    }

    func recordPauses(_ pauses: [RunPause], run: Int) throws {
        if crashesOnPause {
            crashesOnPause = false
            throw Crash()
        }
        runs[run - 1].pauses += pauses
    }

    func finishRun(_ run: Int, end: RunEnd, at date: Date) throws {
        runs[run - 1].end = end
    }

    private func status() -> CampaignStatus {
        var byState: [ItemState: CampaignStatus.Tally] = [:]
        for item in items {
            var tally = byState[item.state] ?? CampaignStatus.Tally()
            tally.count += 1
            tally.amount = tally.amount + item.amount
            byState[item.state] = tally
        }
        return CampaignStatus(campaign: campaign.id, byState: byState, billNumbersAssigned: items.filter { $0.billNumber != nil }.count)
    }

    private func workItem(_ item: Item) -> WorkItem {
        WorkItem(
            id: item.id, line: item.line, openid: item.openid, amount: item.amount, billNumber: item.billNumber!,
            state: item.state, attempts: item.attempts, nextAttemptAt: item.nextAttemptAt, lastErrCode: item.errCode,
            firstRequestAt: item.claimedAt ?? item.firstSentAt)
    }
}
