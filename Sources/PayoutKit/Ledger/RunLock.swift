import Foundation
import Glibc

/// Keeps two processes (`run`, `import`) off one ledger. An advisory `flock` on
/// `LEDGER.lock`, which the kernel drops when the process dies however it dies, so a
/// `kill -9` never leaves a stale lock; the file holds the owner's pid so a refusal can name
/// the running process. The lock file sits beside the ledger's real path, so a symlink or
/// another spelling of the same path meets the same lock.
public final class RunLock {
    private let descriptor: Int32

    public struct Held: Error, CustomStringConvertible {
        public var ledger: String
        public var pid: String

        public var description: String {
            "another payout run (pid \(pid)) is working on the ledger \(ledger): wait for it to finish, or stop it first"
        }
    }

    /// Holds the lock on `ledger` while `body` runs and releases it on every way out;
    /// throws `Held` at once if another process holds it.
    public static func withLock<T>(ledger: String, _ body: () async throws -> T) async throws -> T {
        let lock = try RunLock(ledger: ledger)
        defer { lock.release() }
        return try await body()
    }

    private init(ledger: String) throws {
        let path = Self.canonical(ledger) + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError("create the lock file", path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let pid = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).trimmingASCIIWhitespace()
            throw Held(ledger: ledger, pid: pid.isEmpty ? "unknown" : pid)
        }
        // The pid is only for the message another run shows; a failed write leaves it empty
        // ("unknown"), never the lock itself.
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    /// The ledger's real path: symlinks and `.`/`..` resolved, for the file itself when it
    /// exists, else for its folder (a new ledger is created there under its own name).
    static func canonical(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path)
        guard let folder = realpath(url.deletingLastPathComponent().path, nil) else { return path }
        defer { free(folder) }
        return String(cString: folder) + "/" + url.lastPathComponent
    }

    private func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
