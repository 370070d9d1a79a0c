import Foundation

/// The run's view of what the merchant's runs share on this machine: bill numbers unique
/// across its ledgers, the per-minute quota, and the recipients' daily caps. The SQLite
/// `MerchantRegistry` keeps them (through `RegisteredLedger`); the scheduler's unit tests use
/// an in-memory one with the same rules.
public protocol RunMerchant: Sendable {
    /// `count` bill numbers of `site` no ledger of the merchant has used, dated `now`'s
    /// Beijing day.
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
    /// Seats `ledger` in the registry, learning its numbers and campaigns the first time the
    /// registry meets it (a ledger from an earlier release, or one of another PAYOUT_HOME).
    public func seat(_ ledger: Ledger, now: Date = Date()) async throws -> RegisteredLedger {
        let id = try await ledger.ledgerID()
        if try !knows(ledger: id) {
            try learn(try await ledger.facts(), now: now)
        }
        return RegisteredLedger(registry: self, ledgerID: id)
    }
}
