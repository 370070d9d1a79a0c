import Foundation

/// What a bundled sandbox paid, kept beside the ledger (one JSON line per payment) so the
/// next command's sandbox knows it too: a `reconcile` after a demo `run` then asks a server
/// that remembers the packets and their fates, as the real one does. Only payments are
/// kept; the other counters start afresh with each sandbox. The file is created (readable
/// by its owner only) with the first payment, so a command that pays nothing leaves none.
struct SandboxStateFile {
    private let url: URL
    private var handle: FileHandle?
    /// The payments found in the file when it was opened, oldest first.
    let payments: [SandboxPayment]

    /// Reads what `url` holds; refuses at once a folder where the file could not be written.
    init(url: URL) throws {
        self.url = url
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: FileManager.default.fileExists(atPath: url.path) ? url.path : folder) else {
            throw SandboxError(message: "the sandbox cannot keep its payments in \(url.path): not writable")
        }
        let text = FileManager.default.fileExists(atPath: url.path) ? try String(contentsOf: url, encoding: .utf8) : ""
        payments = text.split(separator: "\n").compactMap { line in
            try? JSONDecoder().decode(SandboxPayment.self, from: Data(line.utf8))
        }
    }

    mutating func append(_ payment: SandboxPayment) {
        guard var line = try? JSONEncoder().encode(payment) else { return }
        line.append(0x0A)
        if handle == nil {
            if !FileManager.default.fileExists(atPath: url.path) {
                _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            handle = try? FileHandle(forWritingTo: url)
            handle?.seekToEndOfFile()
        }
        handle?.write(line)
    }
}
