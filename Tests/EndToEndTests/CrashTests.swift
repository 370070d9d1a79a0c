import Foundation
import Glibc
import PayoutKit
import Testing

/// `payout run` as a process, killed without warning and run again.
@Suite(.serialized) struct CrashTests {
    @Test func killedRunsResumeWithNobodyPaidTwiceAndNobodySkipped() async throws {
        let count = 300
        let (folder, sandbox) = try await CampaignFolder.external(
            count: count, sandboxArguments: ["--latency", "40:30", "--lost", "0.03", "--systemerror", "0.05", "--seed", "7"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        var kills = 0
        for _ in 0..<6 {
            let run = try PayoutProcess.start(["run", "m.yaml", "--quiet"], in: folder.url, environment: sandbox.environment)
            try await Task.sleep(for: .microseconds(Int.random(in: 250_000...900_000)))
            if run.process.isRunning {
                kill(run.process.processIdentifier, SIGKILL)
                kills += 1
            }
            await run.exited()
            _ = run.result()
        }
        #expect(kills >= 5, "the runs were killed mid-flight")
        let final = try await folder.payout("run", "m.yaml", "--quiet", environment: sandbox.environment)
        #expect(final.status == 0, "\(final.stderr)")

        let journal = try sandbox.sends()
        let paid = journal.filter(\.paid)
        #expect(paid.count == count, "each recipient paid once")
        #expect(Set(paid.map(\.billno)).count == paid.count, "no bill number paid twice")
        #expect(Set(paid.map(\.openid)).count == paid.count, "no recipient paid twice")

        let (items, attempts) = try await withLedger(folder) { ledger in
            (try await ledger.items("c1"), try await ledger.attemptBillNumbers("c1"))
        }
        let paidByBill = Dictionary(uniqueKeysWithValues: paid.map { ($0.billno, $0) })
        #expect(items.count == count)
        for item in items {
            #expect(item.state == .sent, "line \(item.line) is \(item.state)")
            let bill = try #require(item.billNumber)
            #expect(paidByBill[bill]?.openid == item.openid, "line \(item.line) paid to its own recipient")
            #expect(paidByBill[bill]?.amount == item.amount.fen)
            #expect(Set(attempts[item.id] ?? []) == [bill], "line \(item.line) kept one bill number")
        }
        let requestsPerBill = Dictionary(grouping: journal, by: \.billno)
        for (bill, requests) in requestsPerBill {
            #expect(Set(requests.map(\.openid)).count == 1, "bill \(bill) always carried the same recipient")
            #expect(Set(requests.compactMap(\.amount)).count == 1, "bill \(bill) always carried the same amount")
        }
    }

    @Test func secondRunOnTheSameLedgerIsRefusedNamingTheFirst() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 400, sandboxArguments: ["--latency", "50"], perMinute: 600)
        defer {
            sandbox.stop()
            folder.remove()
        }
        let first = try PayoutProcess.start(["run", "m.yaml", "--quiet"], in: folder.url, environment: sandbox.environment)
        try await Task.sleep(for: .milliseconds(1500))
        let second = try await folder.payout("run", "m.yaml", environment: sandbox.environment)
        #expect(second.status == 75)
        #expect(second.stderr.contains("another payout run (pid \(first.process.processIdentifier)) is working on the ledger payout.sqlite"))
        let importing = try await folder.payout("import", "m.yaml", environment: sandbox.environment)
        #expect(importing.status == 75, "an import never races a run: \(importing.stderr)")
        #expect(importing.stderr.contains("(pid \(first.process.processIdentifier)) is working on the ledger payout.sqlite"))
        try FileManager.default.createSymbolicLink(atPath: folder.url.appendingPathComponent("alias.sqlite").path,
                                                   withDestinationPath: "payout.sqlite")
        let aliased = try await folder.payout("run", "m.yaml", "--ledger", "alias.sqlite", environment: sandbox.environment)
        #expect(aliased.status == 75, "a symlink to the ledger meets the same lock: \(aliased.stderr)")
        first.process.interrupt()
        await first.exited()
        let firstResult = first.result()
        #expect(first.process.terminationStatus == 75, "Ctrl-C stops gracefully with 75: \(firstResult.stderr)")
        #expect(firstResult.stderr.contains("stopped: interrupted"))
    }

    @Test func notEnoughMoneyExitsThreeWithAdvice() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 30, sandboxArguments: ["--balance", "1000"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        let result = try await folder.payout("run", "m.yaml", "--quiet", environment: sandbox.environment)
        #expect(result.status == 3)
        #expect(result.stderr.contains("the merchant account is out of money (NOTENOUGH"))
        #expect(result.stderr.contains("Nothing was lost; run again once fixed."))
    }

    @Test func jsonEventsAndEveryOutputCarryNoSecret() async throws {
        let recognisable = "SECRETapiKEYmustNEVERappear00042"
        let (folder, sandbox) = try await CampaignFolder.external(count: 20, sandboxArguments: ["--api-key", recognisable, "--systemerror", "0.2"])
        defer {
            sandbox.stop()
            folder.remove()
        }
        let run = try await folder.payout("run", "m.yaml", "--json", environment: sandbox.environment)
        #expect(run.status == 0)
        let events = try run.jsonEvents()
        #expect(events.first?["event"] as? String == "started")
        #expect(events.last?["event"] as? String == "finished")
        let items = events.filter { $0["event"] as? String == "item" }
        #expect(items.filter { $0["status"] as? String == "sent" }.count == 20)
        #expect(items.contains { $0["status"] as? String == "retrying" && $0["err_code"] as? String == "SYSTEMERROR" })
        let export = try await folder.payout("export", "m.yaml", "-o", "report.csv", environment: sandbox.environment)
        #expect(export.status == 0)
        #expect(try await folder.payout("report", "m.yaml", "-o", "report.html", environment: sandbox.environment).status == 0)
        let key = try String(contentsOf: sandbox.directory.appendingPathComponent("client_key.pem"), encoding: .utf8)
        let keyBody = key.split(separator: "\n").dropFirst().first.map(String.init) ?? "unreachable"
        #expect(sandbox.apiKey == recognisable)
        let status = try await folder.payout("status", "m.yaml", "--json", environment: sandbox.environment)
        let reconcile = try await folder.payout("reconcile", "m.yaml", "--json", environment: sandbox.environment)
        #expect(reconcile.status == 75, "every packet is still SENT: \(reconcile.stderr)")
        for (name, data) in [("stdout", Data(run.stdout.utf8)), ("stderr", Data(run.stderr.utf8)),
                             ("status", Data((status.stdout + status.stderr).utf8)),
                             ("reconcile", Data((reconcile.stdout + reconcile.stderr).utf8)),
                             ("ledger", try folder.read("payout.sqlite")), ("report", try folder.read("report.csv")),
                             ("HTML report", try folder.read("report.html"))] {
            #expect(data.range(of: Data(recognisable.utf8)) == nil, "the API key is not in the \(name)")
            #expect(data.range(of: Data(keyBody.utf8)) == nil, "the private key is not in the \(name)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: folder.url.appendingPathComponent("report.csv").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let ledgerMode = try FileManager.default.attributesOfItem(atPath: folder.url.appendingPathComponent("payout.sqlite").path)[.posixPermissions] as? Int
        #expect(ledgerMode == 0o600)
    }
}

/// The API key file must be the owner's alone.
@Suite struct KeyFileTests {
    @Test func keyFileReadableByOthersIsRefusedUnlessAllowed() async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 3)
        defer {
            sandbox.stop()
            folder.remove()
        }
        try folder.write("api_key", sandbox.apiKey + "\n")
        chmod(folder.url.appendingPathComponent("api_key").path, 0o644)
        let manifest = String(decoding: try folder.read("m.yaml"), as: UTF8.self)
        try folder.write("m.yaml", manifest.replacingOccurrences(of: "api_key: env:PAYOUT_TEST_API_KEY", with: "api_key: file:api_key"))
        let refused = try await folder.payout("run", "m.yaml")
        #expect(refused.status == 2)
        #expect(refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines) ==
            "m.yaml: merchant.api_key: the key file api_key is readable by other users: run chmod 600 api_key (or pass --allow-readable-key-file)")
        #expect(!folder.exists("payout.sqlite"))
        #expect(!folder.exists("payout.sqlite.lock"), "refused credentials write nothing, not even the run lock")
        #expect(try await folder.payout("run", "m.yaml", "--quiet", "--allow-readable-key-file").status == 0)
        chmod(folder.url.appendingPathComponent("api_key").path, 0o600)
        #expect(try await folder.payout("run", "m.yaml", "--quiet").status == 0)
    }
}

/// `validate` checks what `run` will need of the merchant, not only the campaign.
@Suite struct ValidateCredentialsTests {
    @Test func missingKeyAndCertificateAreReportedWithTheRecipientsProblems() async throws {
        let manifest = CampaignFolder.manifest.replacingOccurrences(
            of: "  endpoint: sandbox", with: "  api_key: env:PAYOUT_TEST_MISSING_KEY\n  cert: certs/apiclient_cert.pem")
        let folder = try CampaignFolder(manifest: manifest, recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,99\n")
        defer { folder.remove() }
        let result = try await folder.payout("validate", "m.yaml")
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").map(String.init) == [
            "r.csv:2: amount 99 is below the minimum of 100 fen",
            "m.yaml: merchant.api_key: the environment variable PAYOUT_TEST_MISSING_KEY is not set",
        ])
        let withKey = try await folder.payout("validate", "m.yaml", environment: ["PAYOUT_TEST_MISSING_KEY": String(repeating: "k", count: 32)])
        #expect(withKey.stderr.split(separator: "\n").map(String.init) == [
            "r.csv:2: amount 99 is below the minimum of 100 fen",
            "m.yaml: merchant.cert: client certificate file certs/apiclient_cert.pem does not exist",
        ])
    }
}
