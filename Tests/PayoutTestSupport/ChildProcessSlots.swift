import Foundation
import Synchronization

/// How many of the tests' busy child processes (a `payout` command run to completion, a
/// sandbox starting, a model check) run at once: one per core; the rest wait, suspended.
///
/// Swift Testing starts every test of the process at once. While the tests blocked their
/// threads waiting for children (see `ProcessExit`), the cooperative pool's two threads
/// throttled them by accident; without that, dozens of children start together on the
/// 2-core CI machine, and tests that measure a child's pace (the quota test) or give it a
/// deadline (a sandbox's 20 s to listen) fail for want of CPU. A waiter holds no thread.
/// A slot is held only for a span that takes no other slot, so no wait can deadlock.
public final class ChildProcessSlots: Sendable {
    public static let shared = ChildProcessSlots(count: ProcessInfo.processInfo.activeProcessorCount)

    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    public init(count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Runs `body` holding a slot, first waiting for one, in turn.
    public func withSlot<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.free > 0 {
                    state.free -= 1
                    continuation.resume()
                } else {
                    state.waiting.append(continuation)
                }
            }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
