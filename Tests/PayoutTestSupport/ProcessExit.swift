import Foundation
import Synchronization

/// A child process's exit, awaited without holding a thread.
///
/// Swift Testing runs every test of the process in parallel on Swift's cooperative thread
/// pool, which has one thread per core: two on the 2-core CI machine. A test that blocks in
/// `Process.waitUntilExit()`, `usleep` or a read of a pipe holds one of them for as long as
/// its child runs, and two such tests stall every other test (a `Task.sleep` of 1.1 s once
/// resumed 60 s late). `ProcessExit` is told of the exit by the process's `terminationHandler`,
/// which Foundation calls on a thread of its own, and resumes whoever awaits it.
public final class ProcessExit: Sendable {
    private struct State {
        var exited = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `process` with the termination handler installed first, so that no exit, however
    /// soon, is missed: a process that has already exited when `exited()` is awaited returns at once.
    public init(running process: Process) throws {
        process.terminationHandler = { [self] _ in finish() }
        try process.run()
    }

    /// Returns once the process has exited; its `terminationStatus` is then set.
    public func exited() async {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.exited {
                    continuation.resume()
                } else {
                    state.waiting.append(continuation)
                }
            }
        }
    }

    private func finish() {
        let resumed = state.withLock { state in
            state.exited = true
            defer { state.waiting = [] }
            return state.waiting
        }
        resumed.forEach { $0.resume() }
    }
}

/// Runs `executable arguments…` to completion, in one of the `ChildProcessSlots`, and returns
/// its exit status and its stdout and stderr together, in the order written. The output goes
/// to a temporary file rather than a pipe: a pipe must be drained while the child runs, which
/// would take a blocking read (`readDataToEndOfFile`) on one of the cooperative pool's two
/// threads; see `ProcessExit`.
public func runToCompletion(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, output: Data) {
    try await ChildProcessSlots.shared.withSlot { try await runOutputToFile(executable, arguments) }
}

private func runOutputToFile(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, output: Data) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("payout-test-output-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(at: file) }
    let output = try FileHandle(forWritingTo: file)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = output
    try await ProcessExit(running: process).exited()
    return (process.terminationStatus, try Data(contentsOf: file))
}
