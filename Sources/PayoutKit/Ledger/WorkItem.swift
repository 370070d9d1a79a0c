import Foundation

/// An item the run is working on: always with its bill number, committed before any request.
public struct WorkItem: Sendable, Equatable {
    public var id: Int
    public var line: Int
    public var openid: String
    public var amount: Amount
    public var billNumber: BillNumber
    public var state: ItemState
    /// Requests sent for this item so far, across runs.
    public var attempts: Int
    public var nextAttemptAt: Date?
    /// The last err_code seen (PROCESSING asks for a gethbinfo before the next send).
    public var lastErrCode: String?
    /// When the first request under this bill number went out, on the safe (earlier) side:
    /// when the number was claimed. nil for an item never sent.
    public var firstRequestAt: Date?

    public init(
        id: Int, line: Int, openid: String, amount: Amount, billNumber: BillNumber, state: ItemState, attempts: Int,
        nextAttemptAt: Date?, lastErrCode: String?, firstRequestAt: Date?
    ) {
        self.id = id
        self.line = line
        self.openid = openid
        self.amount = amount
        self.billNumber = billNumber
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastErrCode = lastErrCode
        self.firstRequestAt = firstRequestAt
    }

    /// The item as the daily caps weigh it.
    var unclaimed: UnclaimedItem {
        UnclaimedItem(id: id, line: line, openid: openid, amount: amount, attempts: attempts)
    }

    /// The item as `release` leaves it: pending under its number, never sent.
    var handedBack: WorkItem {
        var item = self
        item.state = ItemTransition.release.to
        item.firstRequestAt = nil
        return item
    }

    /// How long ago the first request under this bill number went out; zero if never.
    public func age(at now: Date) -> Duration {
        firstRequestAt.map { .seconds(now.timeIntervalSince($0)) } ?? .zero
    }
}

/// Where a run picks up: items already carrying a bill number whose outcome is not final,
/// the position of the first item never tried, and the campaign's counts so far.
public struct OpenWork: Sendable {
    public var carried: [WorkItem]
    public var pendingCursor: Int
    /// Ids above this belong to another campaign.
    public var lastItemID: Int
    public var status: CampaignStatus

    public init(carried: [WorkItem], pendingCursor: Int, lastItemID: Int, status: CampaignStatus) {
        self.carried = carried
        self.pendingCursor = pendingCursor
        self.lastItemID = lastItemID
        self.status = status
    }
}

/// One request and what it did to its item, written to the ledger in one transaction.
public struct AttemptRecord: Sendable {
    public enum Kind: String, Sendable {
        case send
        case query
    }

    public var itemID: Int
    public var billNumber: BillNumber
    public var kind: Kind
    public var startedAt: Date
    public var latency: Duration
    /// sent, failed, unknown, throttled, quiet_window, stop_run, not_delivered, found, not_found.
    public var outcome: String
    public var errCode: String?
    public var errCodeDescription: String?
    public var detail: String?
    public var newState: ItemState
    public var sendListID: String?
    public var nextAttemptAt: Date?

    public init(
        itemID: Int, billNumber: BillNumber, kind: Kind, startedAt: Date, latency: Duration, outcome: String,
        errCode: String? = nil, errCodeDescription: String? = nil, detail: String? = nil, newState: ItemState,
        sendListID: String? = nil, nextAttemptAt: Date? = nil
    ) {
        self.itemID = itemID
        self.billNumber = billNumber
        self.kind = kind
        self.startedAt = startedAt
        self.latency = latency
        self.outcome = outcome
        self.errCode = errCode
        self.errCodeDescription = errCodeDescription
        self.detail = detail
        self.newState = newState
        self.sendListID = sendListID
        self.nextAttemptAt = nextAttemptAt
    }
}

/// A never-tried item, before it is given its bill number.
public struct UnclaimedItem: Sendable, Equatable {
    public var id: Int
    public var line: Int
    public var openid: String
    public var amount: Amount
    public var attempts: Int

    public init(id: Int, line: Int, openid: String, amount: Amount, attempts: Int) {
        self.id = id
        self.line = line
        self.openid = openid
        self.amount = amount
        self.attempts = attempts
    }
}
