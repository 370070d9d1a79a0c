import Dispatch
import Foundation
import Synchronization

/// Reading and checking a recipients file, and inserting its rows, each take about half of
/// an import: the pipeline runs the reader on a thread of its own and hands valid rows to
/// the ledger in batches, so a million-row import uses both cores. A bounded queue keeps
/// memory flat however large the file.
final class ImportPipeline: Sendable {
    /// Valid rows, copied out of the reader's buffer.
    final class Batch: @unchecked Sendable {
        static let capacity = 4096
        var lines: [Int] = []
        var amounts: [Int] = []
        /// Each row's openid, then its extra cells as report CSV.
        var bytes: [UInt8] = []
        var openidEnds: [Int] = []
        var rowEnds: [Int] = []

        init() {
            lines.reserveCapacity(Self.capacity)
            amounts.reserveCapacity(Self.capacity)
            openidEnds.reserveCapacity(Self.capacity)
            rowEnds.reserveCapacity(Self.capacity)
            bytes.reserveCapacity(Self.capacity * 48)
        }

        var count: Int { lines.count }

        func append(_ row: RecipientRow) {
            lines.append(row.line)
            amounts.append(row.amount.fen)
            bytes.append(contentsOf: row.openid)
            openidEnds.append(bytes.count)
            row.forEachExtra { cell in
                bytes.append(0x2C)
                CSVText.cell(cell, into: &bytes)
            }
            rowEnds.append(bytes.count)
        }

        /// Row `index`'s openid and extras, valid only inside `body`.
        func withRow<T, E: Error>(
            _ index: Int, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws(E) -> T
        ) throws(E) -> T {
            let start = index == 0 ? 0 : rowEnds[index - 1]
            return try bytes.withUnsafeBufferPointer { (all) throws(E) -> T in
                try body(UnsafeBufferPointer(rebasing: all[start..<openidEnds[index]]),
                     UnsafeBufferPointer(rebasing: all[openidEnds[index]..<rowEnds[index]]))
            }
        }
    }

    private struct State {
        var batches: [Batch] = []
        var result: Result<RecipientsSummary, InputError>?
        var cancelled = false
    }

    private let state = Mutex(State())
    private let filled = DispatchSemaphore(value: 0)
    private let space = DispatchSemaphore(value: 4)
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `manifest`'s recipients on a thread of its own.
    init(_ manifest: Manifest) {
        let thread = Thread { [self] in
            var batch = Batch()
            let result = Result { () throws(InputError) -> RecipientsSummary in
                let summary = try RecipientsValidator.read(manifest) { (row) throws(InputError) in
                    batch.append(row)
                    if batch.count == Batch.capacity {
                        guard put(batch) else {
                            throw InputError(file: manifest.recipients, line: row.line, message: "import cancelled")
                        }
                        batch = Batch()
                    }
                }
                if batch.count > 0 { _ = put(batch) }
                return summary
            }
            state.withLock { $0.result = result }
            filled.signal()
            done.signal()
        }
        thread.name = "payout.import"
        thread.start()
    }

    private func put(_ batch: Batch) -> Bool {
        space.wait()
        let accepted = state.withLock { state -> Bool in
            guard !state.cancelled else { return false }
            state.batches.append(batch)
            return true
        }
        if accepted { filled.signal() }
        return accepted
    }

    /// The next batch, or nil once the reader has finished (see `result`).
    func take() -> Batch? {
        filled.wait()
        let batch = state.withLock { state -> Batch? in
            state.batches.isEmpty ? nil : state.batches.removeFirst()
        }
        if batch != nil { space.signal() }
        return batch
    }

    /// What the reader found, once `take()` returned nil.
    func result() throws(InputError) -> RecipientsSummary {
        guard let result = state.withLock({ $0.result }) else {
            throw InputError(file: "", line: nil, message: "the recipients reader has not finished")
        }
        return try result.get()
    }

    /// Stops the reader after a failed insert, and waits for its thread to end.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
        done.wait()
    }
}
