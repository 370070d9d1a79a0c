import Foundation
import Glibc

/// What one merchant's ledgers share on this machine: bill numbers, campaigns, the per-minute
/// quota and the recipients' daily caps. One SQLite file per mch_id in `PAYOUT_HOME`; every
/// payout process of the merchant opens it, and each change is one short write transaction
/// (SQLite's lock, with the busy timeout, orders concurrent processes).
///
/// An actor on its own serial queue, like `Ledger`: the blocking SQLite calls stay off
/// Swift's cooperative pool.
public actor MerchantRegistry {
    public nonisolated let mchID: String
    public nonisolated let path: String
    private let executor: SerialQueueExecutor
    /// `synchronous=FULL`: a bill number handed out is never handed out again, even after a
    /// power cut.
    private var connection: SQLiteConnection?
    /// `synchronous=NORMAL`, for the quota's request starts only: one per request, and a
    /// start lost with a power cut costs nothing but a slightly faster minute.
    private var quotaConnection: SQLiteConnection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(mchID: String, path: String) {
        self.mchID = mchID
        self.path = path
        executor = SerialQueueExecutor(label: "payout.registry")
    }

    /// Opens (creating if needed) the registry of `mchID` in `home` for `body`, closing it on
    /// every way out.
    public static func withRegistry<T>(
        for mchID: String, home: PayoutHome, _ body: (MerchantRegistry) async throws -> T
    ) async throws -> T {
        let path = try home.registryPath(for: mchID)
        return try await withReleasing(MerchantRegistry(mchID: mchID, path: path), release: { await $0.close() }) { registry in
            try await registry.connect()
            return try await body(registry)
        }
    }

    /// Opening is serialized across processes by an flock beside the file: two processes that
    /// open a new registry at once would otherwise both switch it to WAL and one would be
    /// refused ("database is locked") instead of waiting.
    private func connect() throws {
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw FileError("create the lock file", lockPath) }
        defer { Glibc.close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw FileError("lock", lockPath) }
        let isNew = !FileManager.default.fileExists(atPath: path)
        let connection = try SQLiteConnection(path: path)
        if isNew, chmod(path, 0o600) != 0 {
            throw FileError("restrict to its owner the new registry", path)
        }
        try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        try connection.migrate(RegistrySchema.migrations, kind: "merchant registry")
        let quota = try SQLiteConnection(path: path)
        try quota.execute("PRAGMA synchronous=NORMAL;")
        self.connection = connection
        quotaConnection = quota
    }

    private func close() {
        quotaConnection = nil
        connection = nil
    }

    var db: SQLiteConnection {
        get throws(LedgerError) {
            guard let connection else { throw LedgerError("merchant registry \(path) is closed") }
            return connection
        }
    }

    var quotaDB: SQLiteConnection {
        get throws(LedgerError) {
            guard let quotaConnection else { throw LedgerError("merchant registry \(path) is closed") }
            return quotaConnection
        }
    }
}
