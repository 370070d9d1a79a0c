import Foundation

/// Where the run reads the time and waits: the wall clock in production, a virtual one in
/// tests, so quiet hours and back-off are tested without waiting for them.
public protocol RunClock: Sendable {
    func now() -> Date
    /// Returns at `deadline`, or throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

public struct SystemClock: RunClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
        }
    }
}
