import Foundation

/// The run's view of what the merchant's runs share on this machine: bill numbers unique
/// across its ledgers, the per-minute quota, and the recipients' daily caps. The SQLite
/// `MerchantRegistry` keeps them (through `RegisteredLedger`); the scheduler's unit tests use
/// an in-memory one with the same rules.
public protocol RunMerchant: Sendable {
    /// `count` bill numbers of `site`, dated `now`'s Beijing day, that no ledger the registry
    /// has seated has used (ledgers it never met are what the run's probe is for).
    func billNumbers(_ count: Int, site: Int, now: Date) async throws -> [BillNumber]
    /// The items of `candidates` that fit within `caps` today (Beijing), charged against them.
    func admit(_ candidates: [UnclaimedItem], now: Date, caps: DailyCaps) async throws -> [UnclaimedItem]
    /// One request start from the merchant's `perMinute`: nil when taken, else when to ask again.
    func takeStart(now: Date, perMinute: Int) async throws -> Date?
}

/// One ledger's seat in its merchant's registry.
public struct RegisteredLedger: RunMerchant {
    public let registry: MerchantRegistry
    public let ledgerID: Int

    public func billNumbers(_ count: Int, site: Int, now: Date) async throws -> [BillNumber] {
        try await registry.billNumbers(count, site: site, day: BeijingTime.dateStamp(now))
    }

    public func admit(_ candidates: [UnclaimedItem], now: Date, caps: DailyCaps) async throws -> [UnclaimedItem] {
        try await registry.admit(candidates, ledger: ledgerID, day: BeijingTime.dateStamp(now), caps: caps)
    }

    public func takeStart(now: Date, perMinute: Int) async throws -> Date? {
        try await registry.takeStart(now: now, perMinute: perMinute)
    }
}

extension MerchantRegistry {
    /// Seats `ledger` in the registry each time a command uses it: learns today's numbers and
    /// its campaigns (a ledger from an earlier release, or one that ran under another
    /// PAYOUT_HOME in between), and refuses a copy of a ledger the registry knows at another
    /// path — two copies would pay their pending items twice, under different numbers.
    public func seat(_ ledger: Ledger, now: Date = Date()) async throws -> RegisteredLedger {
        let id = try await ledger.ledgerID()
        let path = RunLock.canonical(ledger.path)
        if let registered = try registeredPath(of: id), registered != path, FileManager.default.fileExists(atPath: registered),
           try Ledger.peekLedgerID(at: registered) == id {
            throw InputError(file: path, line: nil, message: "this ledger is a copy of the ledger \(registered) (the same ledger id): "
                + "payout never pays from two copies of one ledger; use \(registered), or remove it first if this one is meant to replace it")
        }
        try learn(try await ledger.facts(since: BeijingTime.dateStamp(now)), now: now)
        return RegisteredLedger(registry: self, ledgerID: id)
    }
}
