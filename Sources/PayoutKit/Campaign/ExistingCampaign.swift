import Foundation

extension Ledger {
    /// Opens the existing ledger that holds `manifest`'s campaign for `body` (status,
    /// export), closing it on every way out. A missing ledger or campaign is bad input that
    /// says which command comes first.
    public static func withCampaign<T>(
        of manifest: Manifest, at path: String, _ body: (Ledger, CampaignRecord) async throws -> T
    ) async throws -> T {
        try requireFile(of: manifest, at: path)
        return try await withLedger(at: path) { ledger in
            guard let campaign = try await ledger.campaign(manifest.campaign) else {
                throw InputError(file: manifest.path, line: nil,
                                 message: "campaign \(manifest.campaign) is not in the ledger \(path): run payout import first")
            }
            return try await body(ledger, campaign)
        }
    }

    /// Bad input when there is no ledger yet: checked before a command takes the ledger's
    /// lock, so a mistyped path leaves no lock file behind.
    public static func requireFile(of manifest: Manifest, at path: String) throws(InputError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: manifest.path, line: nil, message: "no ledger at \(path): run payout import or payout run first")
        }
    }
}
