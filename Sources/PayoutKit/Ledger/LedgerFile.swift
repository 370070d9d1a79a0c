import Foundation

/// Where a campaign's ledger lives, and how a campaign gets into it without ever leaving a
/// half-written or unwanted file behind.
public enum LedgerFile {
    /// `--ledger`, else `PAYOUT_LEDGER`, else `payout.sqlite` beside the manifest.
    public static func path(option: String?, manifestPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option { return option }
        if let variable = environment["PAYOUT_LEDGER"], !variable.isEmpty { return variable }
        let directory = (manifestPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "payout.sqlite" : directory + "/payout.sqlite"
    }

    /// Imports the campaign if it is not there yet (or checks it is unchanged if it is) and
    /// returns the open ledger. A new ledger is built beside the target and renamed into
    /// place only once the import committed, so bad input never creates the file; in an
    /// existing ledger the import is one transaction, rolled back on bad input.
    public static func openImporting(_ manifest: Manifest, at path: String) async throws -> (Ledger, ImportOutcome) {
        if FileManager.default.fileExists(atPath: path) {
            let ledger = try await Ledger.open(path)
            do {
                return (ledger, try await ledger.importCampaign(manifest))
            } catch {
                await ledger.close()
                throw error
            }
        }
        let staging = path + ".importing-\(ProcessInfo.processInfo.processIdentifier)"
        let stagingFiles = [staging, staging + "-wal", staging + "-shm", staging + "-journal"]
        do {
            let ledger = try await Ledger.openForBulkImport(staging)
            let outcome: ImportOutcome
            do {
                outcome = try await ledger.importCampaign(manifest)
            } catch {
                await ledger.close()
                throw error
            }
            await ledger.close()
            try sync(staging)
            guard rename(staging, path) == 0 else {
                throw LedgerError("cannot create the ledger \(path): \(String(cString: strerror(errno)))")
            }
            try sync((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
            return (try await Ledger.open(path), outcome)
        } catch {
            for file in stagingFiles { unlink(file) }
            throw error
        }
    }

    /// fsync of a file or folder: the staged ledger's data, then its new name, reach the disk.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LedgerError("cannot sync \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw LedgerError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}
