import Foundation

/// One payment the sandbox made: its own record, against which a ledger can be checked.
public struct SandboxPayment: Sendable, Equatable, Codable {
    public var billNumber: String
    public var openid: String
    public var amount: Int
    public var sendListID: String
    public var paidAt: Date
    /// The business fields of the paying request: a re-entry must repeat them.
    var fingerprint: [String: String]
}

/// What the sandbox has seen and done so far.
public struct SandboxRecord: Sendable {
    public var payments: [String: SandboxPayment] = [:]
    public var requests = 0
    /// Requests per bill number, including those answered with an error.
    public var requestsByBillNumber: [String: Int] = [:]
    /// Outcomes by name (SUCCESS, REENTRY, SYSTEMERROR, LOST, NOTENOUGH…), counted.
    public var outcomes: [String: Int] = [:]
    public var paidTotal = 0
    /// TLS connections accepted: shows whether clients reuse them.
    public var connections = 0
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
