import Foundation
import PayoutKit
import Synchronization

/// A clock that moves only when the test moves it: a sandbox reading it answers with exact
/// times, and a day passes without waiting for one.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// `start` is Beijing time, "yyyy-MM-dd HH:mm:ss", as the API writes it.
    init(beijing start: String) {
        current = Mutex(beijingDate(start))
    }

    func now() -> Date {
        current.withLock { $0 }
    }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}

/// Reads the API's Beijing "yyyy-MM-dd HH:mm:ss".
func beijingDate(_ text: String) -> Date {
    BeijingTime.date(fromAPITimestamp: text)!
}
