/// What differs between a manifest and the campaign the ledger froze at import. A campaign
/// is paid exactly as it was imported, so any difference stops `run` before it sends.
enum CampaignChanges {
    static func verify(_ manifest: Manifest, against existing: CampaignRecord) throws {
        var changes: [String] = []
        if existing.mchID != manifest.merchant.mchID { changes.append("merchant.mch_id was \(existing.mchID), now \(manifest.merchant.mchID)") }
        if existing.wxappid != manifest.merchant.wxappid { changes.append("merchant.wxappid was \(existing.wxappid), now \(manifest.merchant.wxappid)") }
        changes += manifest.texts.changes(since: existing.texts)
        let fingerprint = try FileFingerprint.sha256(manifest.recipients)
        if fingerprint != existing.recipientsFingerprint {
            changes.append("the recipients file \(manifest.recipients) is not the one imported (its content changed)")
        }
        guard changes.isEmpty else {
            let problems = changes.map {
                InputProblem(file: manifest.path, line: nil, message: "campaign \(manifest.campaign) changed since import: \($0)")
            }
            throw InputError(problems + [InputProblem(file: manifest.path, line: nil, message:
                "restore what was imported, or give the new campaign another id")])
        }
    }
}
