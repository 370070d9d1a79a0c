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
    clock: any RunClock = SystemClock(), stop: StopSignal = StopSignal(), clientIP: String = "192.168.0.1",
    home: PayoutHome? = nil, configure: (inout RunSettings) -> Void = { _ in }
) async throws -> RunEnd {
    let manifest = try ManifestLoader.load(folder.url.appendingPathComponent(name).path)
    return try await withRegistry(of: manifest, home: home ?? folder.home) { registry in
        try await CampaignImport.withImported(manifest, at: folder.ledgerPath, registry: registry) { ledger, _ in
            let campaign = try #require(try await ledger.campaign(manifest.campaign))
            var settings = RunSettings(campaign: campaign, perMinute: manifest.limits.perMinute,
                                       quietHours: manifest.limits.quietHours)
            settings.retry.baseDelay = .milliseconds(50)
            configure(&settings)
            let client = try sandbox.client(clientIP: clientIP)
            defer { client.shutdown() }
            let merchant = try await registry.seat(ledger)
            return try await Runner(ledger: ledger, merchant: merchant, api: client, settings: settings, clock: clock, stop: stop).run()
        }
    }
}

/// The merchant registry of `manifest`'s merchant in `home`, for `body`.
func withRegistry<T>(of manifest: Manifest, home: PayoutHome, _ body: (MerchantRegistry) async throws -> T) async throws -> T {
    try await MerchantRegistry.withRegistry(for: manifest.merchant.mchID, home: home, body)
}

/// One reconcile pass over `folder`'s campaign, in-process against `sandbox`, at full speed.
func reconcileCampaign(_ folder: CampaignFolder, against sandbox: RedpackSandbox) async throws -> ReconcileReport {
    let manifest = try ManifestLoader.load(folder.url.appendingPathComponent("m.yaml").path)
    return try await Ledger.withCampaign(of: manifest, at: folder.ledgerPath) { ledger, campaign in
        let client = try sandbox.client()
        defer { client.shutdown() }
        return try await Reconciler(ledger: ledger, api: client, campaign: campaign, perMinute: 60_000).run()
    }
}

/// `checkInvariants` on `folder`'s ledger, at the sandbox's own time.
func violations(in folder: CampaignFolder, sandbox: RedpackSandbox, expectAllSent: Bool = true) async throws -> [String] {
    try await withLedger(folder) { ledger in
        try await checkInvariants(ledger, sandbox: sandbox.record, at: sandbox.now, expectAllSent: expectAllSent)
    }
}

/// `folder`'s ledger for `body`, closed on every way out.
func withLedger<T>(_ folder: CampaignFolder, _ body: (Ledger) async throws -> T) async throws -> T {
    try await Ledger.withLedger(at: folder.ledgerPath, body)
}

/// The money-safety invariants, checked against the sandbox's own record of payments,
/// across every bill number an item ever had (its current one and those `reissue` replaced):
/// each item paid at most once — a packet refunded unclaimed does not count — and a `sent`
/// item paid under its current number to its own recipient; no bill number used twice or
/// paid without the ledger knowing it; each item's attempts under its own numbers only,
/// never going back to a replaced one.
func checkInvariants(
    _ ledger: Ledger, campaign: String = "c1", sandbox: SandboxRecord, at now: Date = Date(), expectAllSent: Bool = true
) async throws -> [String] {
    var violations: [String] = []
    let items = try await ledger.items(campaign)
    let attempts = try await ledger.attemptBillNumbers(campaign)
    let previous = try await ledger.previousBillNumbers(campaign)
    var billNumbers = Set<String>()
    for item in items {
        if expectAllSent && item.state != .sent { violations.append("line \(item.line) is \(item.state)") }
        let numbers = (previous[item.id] ?? []) + [item.billNumber].compactMap { $0 }
        for bill in numbers where !billNumbers.insert(bill).inserted { violations.append("bill number \(bill) used twice") }
        let tried = (attempts[item.id] ?? []).map { numbers.firstIndex(of: $0) ?? -1 }
        if tried.contains(-1) || tried != tried.sorted() { violations.append("line \(item.line) was sent under \(attempts[item.id] ?? [])") }
        violations += paymentViolations(item, numbers: numbers, sandbox: sandbox, at: now)
    }
    let paidBills = Set(sandbox.payments.keys)
    for bill in paidBills.subtracting(billNumbers) { violations.append("the server paid \(bill), unknown to the ledger") }
    let kept = sandbox.payments.values.filter { !$0.state(at: now).isRefunded }.map(\.openid)
    if Set(kept).count != kept.count { violations.append("a recipient was paid twice") }
    return violations
}

/// One item against the server's payments under all its numbers.
private func paymentViolations(_ item: Ledger.ItemSnapshot, numbers: [String], sandbox: SandboxRecord, at now: Date) -> [String] {
    var violations: [String] = []
    let kept = numbers.filter { sandbox.payments[$0].map { !$0.state(at: now).isRefunded } ?? false }
    if kept.count > 1 { violations.append("line \(item.line) was paid \(kept.count) times, under \(kept)") }
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
    for old in numbers.dropLast() where sandbox.payments[old].map({ !$0.state(at: now).isRefunded }) ?? false {
        violations.append("line \(item.line) was paid under \(old), a number reissue replaced as unpaid")
    }
    return violations
}

extension PacketState {
    var isRefunded: Bool {
        if case .refunded = self { return true }
        return false
    }
}
