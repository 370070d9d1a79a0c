import Foundation
import Glibc

/// How a campaign gets into its ledger without ever leaving a half-written or unwanted file
/// behind: validated rows stream from the recipients reader into one transaction.
public enum CampaignImport {
    /// Imports the campaign if it is not there yet (or checks it is unchanged if it is) and
    /// hands `body` the open ledger, closing it on every way out. A new ledger is built
    /// beside the target and renamed into place only once the import committed, so bad input
    /// never creates the file; in an existing ledger the import is one transaction, rolled
    /// back on bad input.
    public static func withImported<T>(
        _ manifest: Manifest, at path: String, registry: MerchantRegistry, _ body: (Ledger, ImportOutcome) async throws -> T
    ) async throws -> T {
        var outcome: ImportOutcome?
        if !FileManager.default.fileExists(atPath: path) {
            outcome = try await createLedger(path, importing: manifest, registry: registry)
        }
        return try await Ledger.withLedger(at: path) { ledger in
            let result: ImportOutcome
            if let outcome {
                result = outcome
            } else {
                result = try await importCampaign(manifest, into: ledger, registeredAs: RunLock.canonical(path), in: registry)
            }
            return try await body(ledger, result)
        }
    }

    /// `payout import`: the same lock as `run` (an import never races a run over the file),
    /// then the import; throws `RunLock.Held` when another process holds the ledger.
    public static func importCampaign(_ manifest: Manifest, at path: String, home: PayoutHome) async throws -> ImportOutcome {
        try await RunLock.withLock(ledger: path) {
            try await MerchantRegistry.withRegistry(for: manifest.merchant.mchID, home: home) { registry in
                try await withImported(manifest, at: path, registry: registry) { _, outcome in outcome }
            }
        }
    }

    /// Imports `manifest`'s campaign into an open ledger in one transaction, or — if it is
    /// already there — checks that nothing changed since. A new campaign is registered with
    /// the merchant first (refused if another ledger holds it), forgotten again if its import
    /// fails, and confirmed once its rows are committed — for a `staged` ledger, by
    /// `createLedger` once the file is in place.
    static func importCampaign(
        _ manifest: Manifest, into ledger: Ledger, registeredAs ledgerPath: String, in registry: MerchantRegistry,
        staged: Bool = false, now: Date = Date()
    ) async throws -> ImportOutcome {
        if let existing = try await ledger.campaign(manifest.campaign) {
            try await CampaignChanges.verify(manifest, against: existing, in: ledger)
            if existing.binding == nil {
                try await ledger.bind(existing.id, to: CampaignBinding(manifest.merchant))
            }
            return .alreadyImported
        }
        if let other = try await ledger.merchants().first(where: { $0 != manifest.merchant.mchID }) {
            throw InputError(file: manifest.path, line: nil, message:
                "the ledger \(ledger.path) belongs to merchant \(other), not \(manifest.merchant.mchID): one ledger holds one merchant, use --ledger for another")
        }
        let campaign = NewCampaign(
            id: manifest.campaign, mchID: manifest.merchant.mchID, wxappid: manifest.merchant.wxappid,
            texts: manifest.texts, binding: CampaignBinding(manifest.merchant), recipientsPath: manifest.recipients,
            importedAt: now)
        if !staged {
            _ = try await registry.seat(ledger, now: now)
        }
        let ledgerID = try await ledger.ledgerID()
        let registered = try await registry.register(
            manifest.campaign, ledger: ledgerID, ledgerPath: ledgerPath,
            recipientsFingerprint: try await FileFingerprint.sha256(manifest.recipients), endpoint: campaign.binding.endpoint,
            repeatOf: manifest.repeatOf, manifest: manifest.path, now: now)
        let summary: RecipientsSummary
        do {
            summary = try await ledger.insertCampaign(campaign) { writer in
                try copyRows(of: manifest, into: writer)
            }
        } catch {
            if registered { try? await registry.unregister(manifest.campaign, ledger: ledgerID) }
            throw error
        }
        // The rows are committed: the registration stays whatever happens next. Unconfirmed
        // (a failure here), the next use of the ledger confirms it (`learn`).
        if !staged { try? await registry.markImported(manifest.campaign, ledger: ledgerID) }
        return .imported(summary)
    }

    /// Reads and validates the recipients on the pipeline's own thread while this one
    /// inserts; a failed insert stops the reader.
    private static func copyRows(of manifest: Manifest, into writer: ItemWriter) throws -> RecipientsSummary {
        let pipeline = ImportPipeline(manifest)
        do {
            while let batch = pipeline.take() {
                for index in 0..<batch.count {
                    try batch.withRow(index) { (openid, extras) throws(LedgerError) in
                        try writer.insert(line: batch.lines[index], openid: openid, amount: batch.amounts[index], extras: extras)
                    }
                }
            }
        } catch {
            pipeline.cancel()
            throw error
        }
        return try pipeline.result()
    }

    /// Builds a new ledger under a staging name, then syncs and renames it into place.
    private static func createLedger(_ path: String, importing manifest: Manifest, registry: MerchantRegistry) async throws -> ImportOutcome {
        let staging = path + ".importing-\(ProcessInfo.processInfo.processIdentifier)"
        var ledgerID: Int?
        var linked = false
        do {
            let outcome = try await Ledger.withBulkImport(at: staging) { ledger in
                ledgerID = try await ledger.ledgerID()
                return try await importCampaign(manifest, into: ledger, registeredAs: RunLock.canonical(path), in: registry, staged: true)
            }
            try sync(staging)
            // link() never replaces: a ledger that appeared meanwhile is kept, not overwritten.
            guard link(staging, path) == 0 else {
                throw errno == EEXIST
                    ? LedgerError("the ledger \(path) appeared while this import built it: run again to use it")
                    : FileError("create the ledger", path)
            }
            linked = true
            unlink(staging)
            let folder = (path as NSString).deletingLastPathComponent
            try sync(folder.isEmpty ? "." : folder)
            if let ledgerID { try? await registry.markImported(manifest.campaign, ledger: ledgerID) }
            return outcome
        } catch {
            for file in [staging, staging + "-wal", staging + "-shm", staging + "-journal"] { unlink(file) }
            // Once linked, the campaign is in the ledger at `path`: its registration stays.
            if let ledgerID, !linked { try? await registry.unregister(manifest.campaign, ledger: ledgerID) }
            throw error
        }
    }

    /// fsync of a file or folder: the staged ledger's data, then its new name, reach the disk.
    private static func sync(_ path: String) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError("sync", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileError("sync", path) }
    }
}
