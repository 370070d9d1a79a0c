import Foundation
import PayoutKit
import RedpackSandbox
import Testing

/// A wrong API key, answered in today's wording or the seed's: either way payout stops the
/// run and keeps every item as it was.
@Suite struct SignErrorWordingTests {
    static let wrongKey = String(repeating: "0", count: 32)

    static func expected(_ wording: SignErrorWording) -> StopReason {
        switch wording {
        case .live: .refused(ErrorCode("SIGN_ERROR"), message: "签名错误")
        case .legacy: .requestRejected(message: "签名失败")
        }
    }

    @Test(arguments: SignErrorWording.allCases)
    func wrongKeyIsAnsweredInTheChosenWordingAndStopsTheRun(_ wording: SignErrorWording) async throws {
        try await withSandbox({ $0.signErrorWording = wording }) { sandbox in
            let client = try sandbox.client(apiKey: Self.wrongKey)
            defer { client.shutdown() }
            let request = redpack()
            #expect(await client.send(request).outcome == .stopRun(Self.expected(wording)))
            #expect(await client.query(request.billNumber) == .stopRun(Self.expected(wording)))
            #expect(sandbox.record.payments.isEmpty)
            #expect(sandbox.record.firstRequests.isEmpty, "a forged request starts no bill number's re-entry window")
        }
    }

    @Test(arguments: SignErrorWording.allCases)
    func wrongKeyRunExitsThreeWithEitherWording(_ wording: SignErrorWording) async throws {
        let (folder, sandbox) = try await CampaignFolder.external(count: 5, sandboxArguments: ["--sign-error-wording", wording.rawValue])
        defer {
            sandbox.stop()
            folder.remove()
        }
        let run = try await folder.payout("run", "m.yaml", "--quiet", environment: ["PAYOUT_TEST_API_KEY": Self.wrongKey])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("check merchant.api_key"), "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains(Self.wrongKey), "the key never appears in output")
        #expect(try sandbox.entries().isEmpty, "the gethbinfo before the first send met the refusal: nothing was sent")
        let items = try await withLedger(folder) { try await $0.items("c1") }
        #expect(items.count == 5)
        #expect(items.allSatisfy { $0.state == .pending && $0.billNumber == nil }, "no item was touched by a refusal")
    }
}
