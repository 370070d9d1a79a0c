import Foundation

/// One payment the sandbox made: its own record, against which a ledger can be checked.
public struct SandboxPayment: Sendable, Equatable, Codable {
    public var billNumber: String
    public var openid: String
    public var amount: Int
    public var sendListID: String
    public var paidAt: Date
    /// Drawn when paid: whether and when the recipient opens it, or when it goes back.
    public var fate: PacketFate
    /// The business fields of the paying request: a re-entry must repeat them.
    var fingerprint: [String: String]

    /// Where the packet stands at `now`, on the sandbox's clock (`RedpackSandbox.now`).
    public func state(at now: Date) -> PacketState {
        PacketState(fate: fate, amount: amount, at: now)
    }
}

/// A bill number's first request that passed authentication, whatever it was answered.
public struct SandboxRequest: Sendable, Equatable {
    /// Where `billNumberTTL` counts from.
    public var at: Date
    /// The request's business fields: what gethbinfo describes for a number never paid.
    var fingerprint: [String: String]
}

/// What the sandbox has seen and done so far.
public struct SandboxRecord: Sendable {
    public var payments: [String: SandboxPayment] = [:]
    public var requests = 0
    /// Requests per bill number, including those answered with an error.
    public var requestsByBillNumber: [String: Int] = [:]
    public var firstRequests: [String: SandboxRequest] = [:]
    /// gethbinfo queries per bill number: how a test sees that a settled packet is never asked about again.
    public var queriesByBillNumber: [String: Int] = [:]
    /// What gethbinfo answers for these bill numbers instead of the truth.
    public var forcedQueryStatuses: [String: ForcedQueryStatus] = [:]
    /// Outcomes by name (SUCCESS, REENTRY, SYSTEMERROR, LOST, NOTENOUGH…), counted.
    public var outcomes: [String: Int] = [:]
    public var paidTotal = 0
    /// TLS connections accepted: shows whether clients reuse them.
    public var connections = 0

    /// Every paid packet's state at `now`: claimed or refunded, when, and how much came back.
    public func packets(at now: Date) -> [String: PacketState] {
        payments.mapValues { $0.state(at: now) }
    }
}

/// One line of `--journal`.
struct JournalEntry: Codable {
    var time: String
    var api: String
    var billno: String
    var openid: String
    var amount: Int?
    var outcome: String
    var paid: Bool
}
