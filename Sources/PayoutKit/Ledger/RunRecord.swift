import Foundation

/// One `payout run` of a campaign as the ledger remembers it.
public struct RunRecord: Sendable, Equatable {
    public var id: Int
    public var startedAt: Date
    /// nil while the run goes on, or forever if it crashed or was killed.
    public var endedAt: Date?
    public var end: RunEnd?
    public var pauses: [RunPause]

    public init(id: Int, startedAt: Date, endedAt: Date? = nil, end: RunEnd? = nil, pauses: [RunPause] = []) {
        self.id = id
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.end = end
        self.pauses = pauses
    }
}
