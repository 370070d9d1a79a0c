/// What differs between a manifest and the campaign the ledger froze at import. A campaign
/// is paid exactly as it was imported, so any difference stops `run` before it sends.
enum CampaignChanges {
    static func verify(_ manifest: Manifest, against existing: CampaignRecord) throws {
        var changes = merchantChanges(manifest, against: existing) + manifest.texts.changes(since: existing.texts)
        let fingerprint = try FileFingerprint.sha256(manifest.recipients)
        if fingerprint != existing.recipientsFingerprint {
            changes.append("the recipients file \(manifest.recipients) is not the one imported (its content changed)")
        }
        try refuse(changes, manifest: manifest)
    }

    /// Only the merchant: what `reconcile` asks gethbinfo as. Its questions carry no texts
    /// and no recipients, so an edited recipients file does not stop it.
    static func verifyMerchant(_ manifest: Manifest, against existing: CampaignRecord) throws {
        try refuse(merchantChanges(manifest, against: existing), manifest: manifest)
    }

    private static func merchantChanges(_ manifest: Manifest, against existing: CampaignRecord) -> [String] {
        var changes: [String] = []
        if existing.mchID != manifest.merchant.mchID { changes.append("merchant.mch_id was \(existing.mchID), now \(manifest.merchant.mchID)") }
        if existing.wxappid != manifest.merchant.wxappid { changes.append("merchant.wxappid was \(existing.wxappid), now \(manifest.merchant.wxappid)") }
        return changes
    }

    private static func refuse(_ changes: [String], manifest: Manifest) throws {
        guard changes.isEmpty else {
            let problems = changes.map {
                InputProblem(file: manifest.path, line: nil, message: "campaign \(manifest.campaign) changed since import: \($0)")
            }
            throw InputError(problems + [InputProblem(file: manifest.path, line: nil, message:
                "restore what was imported, or give the new campaign another id")])
        }
    }
}
