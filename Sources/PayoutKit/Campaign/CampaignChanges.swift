/// What differs between a manifest and the campaign the ledger froze at import. A campaign
/// is paid exactly as it was imported — texts, merchant, endpoint, client_ip, recipients —
/// so any difference stops `run` before it sends, naming each change.
enum CampaignChanges {
    static func verify(_ manifest: Manifest, against existing: CampaignRecord, in ledger: Ledger) async throws {
        var problems = problems(merchantChanges(manifest, against: existing) + manifest.texts.changes(since: existing.texts),
                                manifest: manifest)
        let recipientsChanged = try await FileFingerprint.sha256(manifest.recipients) != existing.recipientsFingerprint
        if recipientsChanged {
            problems += try await recipientProblems(manifest, existing: existing, in: ledger)
        }
        try refuse(problems, manifest: manifest, recipientsChanged: recipientsChanged)
    }

    /// Only the merchant and what the campaign is bound to: what `reconcile` asks gethbinfo
    /// as. Its questions carry no texts and no recipients, so an edited recipients file does
    /// not stop it.
    static func verifyMerchant(_ manifest: Manifest, against existing: CampaignRecord) throws {
        try refuse(problems(merchantChanges(manifest, against: existing), manifest: manifest), manifest: manifest,
                   recipientsChanged: false)
    }

    private static func merchantChanges(_ manifest: Manifest, against existing: CampaignRecord) -> [String] {
        var changes: [String] = []
        if existing.mchID != manifest.merchant.mchID { changes.append("merchant.mch_id was \(existing.mchID), now \(manifest.merchant.mchID)") }
        if existing.wxappid != manifest.merchant.wxappid { changes.append("merchant.wxappid was \(existing.wxappid), now \(manifest.merchant.wxappid)") }
        if let bound = existing.binding { changes += CampaignBinding(manifest.merchant).changes(since: bound) }
        return changes
    }

    private static func problems(_ changes: [String], manifest: Manifest) -> [InputProblem] {
        changes.map { InputProblem(file: manifest.path, line: nil, message: "campaign \(manifest.campaign) changed since import: \($0)") }
    }

    private static func refuse(_ problems: [InputProblem], manifest: Manifest, recipientsChanged: Bool) throws {
        guard problems.isEmpty else {
            throw InputError(problems + [InputProblem(file: manifest.path, line: nil, message: advice(recipientsChanged: recipientsChanged))])
        }
    }

    private static func recipientProblems(_ manifest: Manifest, existing: CampaignRecord, in ledger: Ledger) async throws -> [InputProblem] {
        let changes = try RecipientChanges(manifest, imported: try await ledger.importedRows(of: existing))
        let header = InputProblem(file: manifest.path, line: nil, message:
            "campaign \(manifest.campaign) changed since import: the recipients file \(manifest.recipients) is not the one imported"
                + (changes.lines.isEmpty ? " (the same recipients and amounts, but its other columns, order or formatting changed)" : ":"))
        return [header] + changes.summary.map { InputProblem(file: manifest.recipients, line: nil, message: $0) }
    }

    /// Only ways out that cannot pay anyone twice.
    private static func advice(recipientsChanged: Bool) -> String {
        recipientsChanged
            ? "restore the recipients file as it was imported; to pay new recipients, put only the new rows in a new file "
                + "and a new campaign (importing the whole file again under another id would pay everyone twice)"
            : "restore what was imported: a campaign's requests must repeat exactly what it was imported with"
    }
}
