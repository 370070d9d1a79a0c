import Foundation
import PayoutKit
import Testing

/// One merchant, many ledgers, through the binary against one external sandbox: the merchant
/// registry in a shared scratch PAYOUT_HOME keeps bill numbers, campaigns, the quota and the
/// daily caps merchant-wide.
@Suite struct RegistryTests {
    /// A second campaign folder of the sandbox's merchant, with a ledger of its own.
    static func sibling(
        of sandbox: SandboxProcess, campaign: String, recipients: String, limits: String = "  per_minute: 6000\n"
    ) throws -> CampaignFolder {
        let merchant = sandbox.merchantSection.replacingOccurrences(of: "sbx/", with: sandbox.directory.path + "/")
        let manifest = CampaignFolder.manifest.components(separatedBy: "merchant:")[0]
            .replacingOccurrences(of: "campaign: c1", with: "campaign: \(campaign)")
            + merchant + "\nlimits:\n" + limits + "  quiet_hours: \"off\"\n"
        return try CampaignFolder(manifest: manifest, recipients: recipients)
    }

    static func recipients(_ count: Int, amount: Int, openid: (Int) -> String = { "o\(String(format: "%027d", $0))" }) -> String {
        "openid,amount\n" + (0..<count).map { "\(openid($0)),\(amount + $0)" }.joined(separator: "\n") + "\n"
    }

    /// The environment of every process of a test: the sandbox's key and one registry.
    static func environment(_ sandbox: SandboxProcess, home: URL) -> [String: String] {
        sandbox.environment.merging(["PAYOUT_HOME": home.path]) { $1 }
    }

    @Test func twoLedgersFedByIdenticalPrefixesNeverShareABillNumber() async throws {
        let (first, sandbox) = try await CampaignFolder.external(count: 20)
        let second = try Self.sibling(of: sandbox, campaign: "c2", recipients: Self.recipients(20, amount: 300))
        defer {
            sandbox.stop()
            first.remove()
            second.remove()
        }
        let environment = Self.environment(sandbox, home: first.url.appendingPathComponent("home"))
        for folder in [first, second] {
            #expect(try await folder.payout("import", "m.yaml", environment: environment).status == 0)
        }
        // The prefix each ledger drew before the registry existed, forced equal: what made
        // two ledgers hand out the same numbers every day.
        try await sqlite(second.ledgerPath, """
            UPDATE ledger_settings SET value = (SELECT value FROM other.ledger_settings WHERE name = 'bill_number_prefix')
            WHERE name = 'bill_number_prefix'
            """, attach: first.ledgerPath)
        let runs = try [first, second].map { try PayoutProcess.start(["run", "m.yaml", "--quiet"], in: $0.url, environment: environment) }
        for run in runs {
            await run.exited()
            #expect(run.result().status == 0, "\(run.result().stderr)")
        }
        var numbers: [String] = []
        for (folder, campaign) in [(first, "c1"), (second, "c2")] {
            let items = try await withLedger(folder) { try await $0.items(campaign) }
            #expect(items.count == 20 && items.allSatisfy { $0.state == .sent })
            numbers += items.compactMap(\.billNumber)
        }
        #expect(Set(numbers).count == 40, "no bill number shared by the two ledgers")
        let paid = try sandbox.entries().filter { $0.api == "sendredpack" && $0.paid }
        #expect(paid.count == 40, "every item of both ledgers paid, each once")
    }

    @Test func theSameCampaignInASecondLedgerIsRefusedUnlessItSaysRepeatOf() async throws {
        let (first, sandbox) = try await CampaignFolder.external(count: 5)
        let copy = try CampaignFolder(manifest: String(decoding: try first.read("m.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "sbx/", with: sandbox.directory.path + "/"), recipients: String(decoding: try first.read("r.csv"), as: UTF8.self))
        let renamed = try CampaignFolder(manifest: String(decoding: try copy.read("m.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "campaign: c1", with: "campaign: c1-again"), recipients: String(decoding: try first.read("r.csv"), as: UTF8.self))
        defer {
            sandbox.stop()
            [first, copy, renamed].forEach { $0.remove() }
        }
        let environment = Self.environment(sandbox, home: first.url.appendingPathComponent("home"))
        #expect(try await first.payout("run", "m.yaml", "--quiet", environment: environment).status == 0)
        let firstLedger = RunLockPath.real(first.ledgerPath)

        let sameID = try await copy.payout("run", "m.yaml", "--quiet", environment: environment)
        #expect(sameID.status == 2, "\(sameID.stderr)")
        #expect(sameID.stderr.contains("m.yaml: the campaign id c1 is already imported into the ledger \(firstLedger): "
            + "a campaign is paid from one ledger only (importing it again would pay everyone twice); "
            + "to go on paying it, run it with --ledger \(firstLedger)"), "\(sameID.stderr)")
        let sameList = try await renamed.payout("run", "m.yaml", "--quiet", environment: environment)
        #expect(sameList.status == 2, "\(sameList.stderr)")
        #expect(sameList.stderr.contains("a recipients file identical to this one is already imported as campaign c1 into the ledger \(firstLedger)"))
        #expect(!FileManager.default.fileExists(atPath: copy.ledgerPath) && !FileManager.default.fileExists(atPath: renamed.ledgerPath),
                "a refused import leaves no ledger")
        #expect(try sandbox.entries().filter { $0.api == "sendredpack" }.count == 5, "nothing more was sent")

        try renamed.write("m.yaml", String(decoding: try renamed.read("m.yaml"), as: UTF8.self) + "repeat_of: c1\n")
        #expect(try await renamed.payout("run", "m.yaml", "--quiet", environment: environment).status == 0)
        let paid = try sandbox.entries().filter { $0.api == "sendredpack" && $0.paid }
        #expect(paid.count == 10, "the deliberate repeat pays the list a second time, under new numbers")
        #expect(Set(paid.map(\.billno)).count == 10)

        let listing = try await first.payout("campaigns", "--json", environment: environment)
        #expect(listing.status == 0, "\(listing.stderr)")
        let campaigns = try #require(try JSONSerialization.jsonObject(with: listing.stdoutData) as? [[String: Any]])
        #expect(campaigns.map { $0["campaign"] as? String } == ["c1", "c1-again"])
        #expect(campaigns.map { $0["ledger"] as? String } == [firstLedger, RunLockPath.real(renamed.ledgerPath)])
        let sent = campaigns.map { (($0["states"] as? [String: Any])?["sent"] as? [String: Any])?["count"] as? Int }
        #expect(sent == [5, 5])
    }

    @Test func aCopyOfALedgerIsRefusedWhileTheOriginalIsThere() async throws {
        let (first, sandbox) = try await CampaignFolder.external(count: 5)
        let copy = try CampaignFolder(manifest: String(decoding: try first.read("m.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "sbx/", with: sandbox.directory.path + "/"), recipients: String(decoding: try first.read("r.csv"), as: UTF8.self))
        defer {
            sandbox.stop()
            first.remove()
            copy.remove()
        }
        let environment = Self.environment(sandbox, home: first.url.appendingPathComponent("home"))
        #expect(try await first.payout("import", "m.yaml", environment: environment).status == 0)
        try FileManager.default.copyItem(atPath: first.ledgerPath, toPath: copy.ledgerPath)
        let refused = try await copy.payout("run", "m.yaml", "--quiet", environment: environment)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(RunLockPath.real(copy.ledgerPath)): this ledger is a copy of the ledger \(RunLockPath.real(first.ledgerPath))"),
                "\(refused.stderr)")
        #expect(try sandbox.entries().isEmpty, "nothing was sent from the copy")
        #expect(try await first.payout("run", "m.yaml", "--quiet", environment: environment).status == 0, "the original pays")
    }

    @Test func twoConcurrentRunsOfOneMerchantStayWithinItsQuota() async throws {
        let (first, sandbox) = try await CampaignFolder.external(count: 15, perMinute: 20)
        let second = try Self.sibling(of: sandbox, campaign: "c2", recipients: Self.recipients(15, amount: 300), limits: "  per_minute: 20\n")
        defer {
            sandbox.stop()
            first.remove()
            second.remove()
        }
        let environment = Self.environment(sandbox, home: first.url.appendingPathComponent("home"))
        let runs = try [first, second].map { try PayoutProcess.start(["run", "m.yaml", "--quiet"], in: $0.url, environment: environment) }
        for run in runs {
            await run.exited()
            #expect(run.result().status == 0, "\(run.result().stderr)")
        }
        let starts = try sandbox.entries().filter { $0.api == "sendredpack" }.compactMap { $0.time.flatMap(BeijingTime.date(fromISO8601:)) }
        #expect(starts.count == 30)
        for start in starts {
            let minute = starts.filter { $0 >= start && $0 < start.addingTimeInterval(60) }.count
            #expect(minute <= 20, "\(minute) sends in the minute from \(start): the two runs share per_minute 20")
        }
    }

    @Test func aRecipientInThreeCampaignsOnOneDayGetsTheCapsWorthAndTheThirdWaits() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 1)
        let shared = "oSharedRecipient0000000000000"
        let capped = "  per_minute: 6000\n  per_user_daily_count: 2\n"
        let campaigns = try (1...3).map { index in
            try Self.sibling(of: sandbox, campaign: "day\(index)", recipients: "openid,amount\n\(shared),\(100 * index)\n", limits: capped)
        }
        defer {
            sandbox.stop()
            ([folder] + campaigns).forEach { $0.remove() }
        }
        let environment = Self.environment(sandbox, home: folder.url.appendingPathComponent("home"))
        for campaign in campaigns.prefix(2) {
            #expect(try await campaign.payout("run", "m.yaml", "--quiet", environment: environment).status == 0)
        }
        let third = try await campaigns[2].payout("run", "m.yaml", "--no-wait", environment: environment)
        #expect(third.status == 75, "\(third.stderr)")
        #expect(third.stderr.contains("stopped: 1 items wait because their recipients reached the daily caps"), "\(third.stderr)")
        let item = try #require(try await withLedger(campaigns[2]) { try await $0.items("day3") }.first)
        #expect(item.state == .pending && item.billNumber == nil, "held back before it got a number")
        #expect(try sandbox.entries().filter { $0.api == "sendredpack" && $0.openid == shared }.count == 2)
    }
}

/// The real path a ledger is registered under, as the registry writes it.
enum RunLockPath {
    static func real(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
