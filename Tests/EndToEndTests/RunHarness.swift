import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// A campaign of `count` generated recipients in a fresh folder.
func generatedCampaign(count: Int, amount: Int = 100, manifestExtra: String = "", endpoint: String = "sandbox") throws -> CampaignFolder {
    var csv = "openid,amount,shop\n"
    for index in 0..<count {
        csv += "o\(String(format: "%027d", index)),\(amount + index % 7),门店\(index % 5)\n"
    }
    let manifest = CampaignFolder.manifest
        .replacingOccurrences(of: "  endpoint: sandbox", with: "  endpoint: \(endpoint)")
        .replacingOccurrences(of: "limits:\n  quiet_hours: \"off\"\n", with: manifestExtra.isEmpty ? "limits:\n  quiet_hours: \"off\"\n" : manifestExtra)
    return try CampaignFolder(manifest: manifest, recipients: csv)
}

/// Imports `folder`'s campaign (from `manifest`) and runs it in-process against `sandbox`.
func runCampaign(
    _ folder: CampaignFolder, manifest name: String = "m.yaml", against sandbox: RedpackSandbox,
    clock: any RunClock = SystemClock(), stop: StopSignal = StopSignal(), configure: (inout RunSettings) -> Void = { _ in }
) async throws -> RunEnd {
    let manifest = try ManifestLoader.load(folder.url.appendingPathComponent(name).path)
    return try await CampaignImport.withImported(manifest, at: folder.ledgerPath) { ledger, _ in
        let campaign = try #require(try await ledger.campaign(manifest.campaign))
        var settings = RunSettings(campaign: campaign, mchID: manifest.merchant.mchID, perMinute: manifest.limits.perMinute,
                                   quietHours: manifest.limits.quietHours)
        settings.retry.baseDelay = .milliseconds(50)
        configure(&settings)
        let client = try sandbox.client()
        defer { client.shutdown() }
        return try await Runner(ledger: ledger, api: client, settings: settings, clock: clock, stop: stop).run()
    }
}

/// `checkInvariants` on `folder`'s ledger.
func violations(in folder: CampaignFolder, sandbox: RedpackSandbox, expectAllSent: Bool = true) async throws -> [String] {
    try await withLedger(folder) { ledger in
        try await checkInvariants(ledger, sandbox: sandbox.record, expectAllSent: expectAllSent)
    }
}

/// `folder`'s ledger for `body`, closed on every way out.
func withLedger<T>(_ folder: CampaignFolder, _ body: (Ledger) async throws -> T) async throws -> T {
    try await Ledger.withLedger(at: folder.ledgerPath, body)
}

/// The money-safety invariants, checked against the sandbox's own record of payments:
/// every sent item paid exactly once under its bill number, no bill number paid twice or
/// for two recipients, and every attempt of an item under one bill number.
func checkInvariants(_ ledger: Ledger, campaign: String = "c1", sandbox: SandboxRecord, expectAllSent: Bool = true) async throws -> [String] {
    var violations: [String] = []
    let items = try await ledger.items(campaign)
    let attempts = try await ledger.attemptBillNumbers(campaign)
    var billNumbers = Set<String>()
    for item in items {
        if expectAllSent && item.state != .sent { violations.append("line \(item.line) is \(item.state)") }
        if let bill = item.billNumber, !billNumbers.insert(bill).inserted { violations.append("bill number \(bill) used twice") }
        if let tried = attempts[item.id], Set(tried).count > 1 || tried.first != item.billNumber {
            violations.append("line \(item.line) was sent under \(Set(tried).sorted())")
        }
        let payment = item.billNumber.flatMap { sandbox.payments[$0] }
        switch item.state {
        case .sent:
            if payment == nil { violations.append("line \(item.line) is sent but the server never paid it") }
            if let payment, payment.openid != item.openid || payment.amount != item.amount.fen {
                violations.append("line \(item.line) was paid to \(payment.openid) \(payment.amount)")
            }
            if let payment, payment.sendListID != item.sendListID { violations.append("line \(item.line) send_listid differs") }
        case .failed, .pending:
            if payment != nil { violations.append("line \(item.line) is \(item.state) but was paid") }
        case .sending, .retrying:
            break
        }
    }
    let paidBills = Set(sandbox.payments.keys)
    for bill in paidBills.subtracting(billNumbers) { violations.append("the server paid \(bill), unknown to the ledger") }
    let paidOpenIDs = sandbox.payments.values.map(\.openid)
    if Set(paidOpenIDs).count != paidOpenIDs.count { violations.append("a recipient was paid twice") }
    return violations
}
