import Foundation
@testable import PayoutKit
import PayoutTestSupport

/// A real ledger in a scratch folder, imported through the same path as `payout import`, whose
/// requests are written with chosen times and outcomes: the report's queries then have known
/// answers.
struct ReportLedger {
    let folder: URL
    let ledger: Ledger
    let campaign: CampaignRecord
    /// The ledger's seat in a registry of its own, in the scratch folder.
    let merchant: RegisteredLedger

    /// 09:30:00 on 2027-02-12, Beijing time.
    static let morning = Date(timeIntervalSince1970: 1_802_395_800)

    /// The fixture for `body`; its ledger is closed and its folder removed on every way out.
    static func with<T>(
        amounts: [Int], actName: String = "猜灯谜抢红包活动", wishing: String = "元宵节快乐!",
        _ body: (ReportLedger) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("payout-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = "openid,amount\n" + amounts.enumerated().map { "o\(String(format: "%027d", $0)),\($1)" }.joined(separator: "\n") + "\n"
        try Data(csv.utf8).write(to: folder.appendingPathComponent("r.csv"))
        let manifest = SampleCampaign.manifest
            .replacingOccurrences(of: "act_name: 猜灯谜抢红包活动", with: "act_name: \(yamlQuoted(actName))")
            .replacingOccurrences(of: "wishing: 感谢您参加猜灯谜活动,祝您元宵节快乐!", with: "wishing: \(yamlQuoted(wishing))")
            + "  max_amount: 30000\nscene_id: PRODUCT_2\n"
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("m.yaml"))
        let loaded = try ManifestLoader.load(folder.appendingPathComponent("m.yaml").path)
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = PayoutHome(path: folder.appendingPathComponent("home").path)
        return try await MerchantRegistry.withRegistry(for: loaded.merchant.mchID, home: home) { registry in
            try await CampaignImport.withImported(loaded, at: folder.appendingPathComponent("payout.sqlite").path, registry: registry) { ledger, _ in
                try await body(ReportLedger(
                    folder: folder, ledger: ledger, campaign: try await ledger.requireCampaign("c1"),
                    merchant: try await registry.seat(ledger)))
            }
        }
    }

    private static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Gives the next `count` never-tried items their bill numbers.
    func claim(_ count: Int) async throws -> [WorkItem] {
        let cursor = try await ledger.openWork("c1").pendingCursor
        let items = try await ledger.unclaimed("c1", after: cursor, limit: count)
        let numbers = try await merchant.billNumbers(items.count, site: 0, now: Self.morning)
        return try await ledger.claim(items, numbers: numbers, now: Self.morning)
    }

    /// `plan` applied with new numbers from the fixture's registry.
    func reissue(_ plan: ReissuePlan, selection: ReissueSelection, now: Date) async throws -> Int {
        let numbers = try await merchant.billNumbers(plan.itemIDs.count, site: 0, now: now)
        return try await ledger.reissue(campaign, plan: plan, selection: selection, numbers: numbers, now: now)
    }

    /// Records one request for `item`, `offset` seconds after 09:30.
    func request(
        _ item: WorkItem, at offset: TimeInterval, outcome: String, state: ItemState, code: String? = nil,
        message: String? = nil, kind: AttemptRecord.Kind = .send
    ) async throws {
        try await ledger.record([AttemptRecord(
            itemID: item.id, billNumber: item.billNumber, kind: kind, startedAt: Self.morning.addingTimeInterval(offset),
            latency: .milliseconds(120), outcome: outcome, errCode: code, errCodeDescription: message, newState: state)])
    }
}
