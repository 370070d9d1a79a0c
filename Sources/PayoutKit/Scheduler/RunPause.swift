import Foundation

/// A stretch of a run in which no request may start. Kept in the ledger so the report can
/// tell a manager why the sends stopped at midnight and picked up again at 08:00.
public struct RunPause: Sendable, Equatable {
    public enum Cause: String, Sendable {
        /// The manifest's quiet hours began.
        case quietHours = "quiet_hours"
        /// The server answered TIME_LIMITED: its quiet window, whatever this machine's clock says.
        case serverTimeLimited = "time_limited"
        /// Every item left to send is for a recipient who reached a daily cap: until the next
        /// Beijing day.
        case dailyCaps = "daily_caps"
    }

    public var from: Date
    public var until: Date
    public var cause: Cause

    public init(from: Date, until: Date, cause: Cause) {
        self.from = from
        self.until = until
        self.cause = cause
    }
}
