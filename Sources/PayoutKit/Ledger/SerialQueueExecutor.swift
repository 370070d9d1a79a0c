import Dispatch

/// Runs an actor's jobs on a serial dispatch queue of its own, so the blocking SQLite calls
/// inside it never occupy a thread of Swift's cooperative pool (two threads on this kind of
/// machine: one blocked would halve everything else).
final class SerialQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async {
            job.runSynchronously(on: executor)
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets `assumeIsolated` and the runtime's isolation checks accept code running on the
    /// queue, as GRDB's `DispatchQueueActor` does.
    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
