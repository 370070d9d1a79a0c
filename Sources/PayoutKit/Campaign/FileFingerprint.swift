import Foundation

/// SHA-256 of a whole file, streamed: how `run` tells whether a recipients file changed.
enum FileFingerprint {
    /// Read and hashed on a thread of its own: a million-row file is a few hundred
    /// milliseconds of blocking reads that Swift's cooperative pool (two threads here)
    /// must not spend.
    static func sha256(_ path: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try digest(path))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    private static func digest(_ path: String) throws(InputError) -> String {
        let file = try CSVReader.open(path)
        defer { fclose(file) }
        let hasher = SHA256Hasher()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
        return hasher.hexDigest()
    }
}
