import Foundation
@testable import PayoutKit
import Testing

/// The report's aggregation queries against a ledger whose answers are known.
@Suite struct ReportQueryTests {
    @Test func requestsAreCountedPerBeijingMinuteByOutcome() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300, 400, 500, 600, 700, 800]) { fixture in
            let items = try await fixture.claim(8)
            for (index, item) in items.prefix(5).enumerated() {
                try await fixture.request(item, at: Double(index) * 10, outcome: "sent", state: .sent)
            }
            try await fixture.request(items[5], at: 65, outcome: "unknown", state: .retrying, code: "SYSTEMERROR")
            try await fixture.request(items[5], at: 90, outcome: "sent", state: .sent)
            try await fixture.request(items[6], at: 110, outcome: "failed", state: .failed, code: "OPENID_ERROR", message: "openid字段不正确")
            try await fixture.request(items[7], at: 125, outcome: "not_found", state: .retrying, kind: .query)

            let snapshot = try await fixture.ledger.reportSnapshot("c1")
            let morning = ReportLedger.morning
            #expect(snapshot.minutes == [
                ReportSnapshot.MinuteCount(minute: morning, paid: 5, failed: 0, other: 0, firstRequest: morning,
                                           lastRequest: morning.addingTimeInterval(40)),
                ReportSnapshot.MinuteCount(minute: morning.addingTimeInterval(60), paid: 1, failed: 1, other: 1,
                                           firstRequest: morning.addingTimeInterval(65), lastRequest: morning.addingTimeInterval(110)),
            ], "the gethbinfo query at 09:32:05 is not a send")
        }
    }

    @Test func failuresAreGroupedByCodeWithExactAmounts() async throws {
        try await ReportLedger.with(amounts: [101, 202, 303, 25_000, 500, 600, 700, 800, 900, 1000, 1100]) { fixture in
            let items = try await fixture.claim(10)
            for item in items.prefix(3) {
                try await fixture.request(item, at: 1, outcome: "failed", state: .failed, code: "OPENID_ERROR", message: "openid字段不正确")
            }
            try await fixture.request(items[3], at: 2, outcome: "failed", state: .failed, code: "MONEY_LIMIT", message: "金额超限")
            try await fixture.request(items[4], at: 3, outcome: "stop_run", state: .retrying, code: "NOTENOUGH", message: "余额不足")
            for item in items[5...6] {
                try await fixture.request(item, at: 4, outcome: "unknown", state: .retrying, code: "SYSTEMERROR", message: "系统繁忙")
            }
            try await fixture.request(items[7], at: 5, outcome: "unknown", state: .retrying, code: "SYSTEMERROR")
            try await fixture.request(items[7], at: 7, outcome: "sent", state: .sent)
            try await fixture.request(items[8], at: 6, outcome: "sent", state: .sent)

            let report = CampaignReport(
                try await fixture.ledger.reportSnapshot("c1"), settings: .init(budget: Amount(fen: 10_000), perMinute: 1800, campaignArguments: "m.yaml"),
                generatedAt: ReportLedger.morning.addingTimeInterval(600))
            typealias Row = CampaignReport.FailureRow
            #expect(report.failures == [
                Row(reason: .code("OPENID_ERROR"), isFinal: true, count: 3, amount: Amount(fen: 606), serverMessage: "openid字段不正确"),
                Row(reason: .code("MONEY_LIMIT"), isFinal: true, count: 1, amount: Amount(fen: 25_000), serverMessage: "金额超限"),
                Row(reason: .code("SYSTEMERROR"), isFinal: false, count: 2, amount: Amount(fen: 1300), serverMessage: "系统繁忙"),
                Row(reason: .code("NOTENOUGH"), isFinal: false, count: 1, amount: Amount(fen: 500), serverMessage: "余额不足"),
                Row(reason: .noAnswer, isFinal: false, count: 1, amount: Amount(fen: 1000), serverMessage: nil),
            ], "a sent item's earlier SYSTEMERROR is not a failure; the claimed-but-unsent item waits with no answer")
            #expect(report.paid == CampaignStatus.Tally(count: 2, amount: Amount(fen: 1700)))
            #expect(report.failed == CampaignStatus.Tally(count: 4, amount: Amount(fen: 25_606)))
            #expect(report.waiting == CampaignStatus.Tally(count: 5, amount: Amount(fen: 3900)))
            #expect(report.budgetUsedPermille == 170)
        }
    }

    @Test func aHostileServerCannotInflateTheFailureTable() async throws {
        try await ReportLedger.with(amounts: Array(repeating: 100, count: 40)) { fixture in
            for (index, item) in try await fixture.claim(40).enumerated() {
                try await fixture.request(item, at: 1, outcome: "failed", state: .failed, code: "CODE\(index)" + String(repeating: "X", count: 100),
                                          message: String(repeating: "长", count: 500))
            }
            let report = CampaignReport(
                try await fixture.ledger.reportSnapshot("c1"), settings: .init(budget: nil, perMinute: 1800, campaignArguments: "m.yaml"),
                generatedAt: ReportLedger.morning)
            #expect(report.failures.count == CampaignReport.maximumFailureRows)
            #expect(report.failures.last?.reason == .otherCodes(16))
            #expect(report.failures.last?.count == 16)
            #expect(report.failures.last?.amount == Amount(fen: 1600))
            #expect(report.failures.allSatisfy { ($0.serverMessage?.count ?? 0) <= 200 })
            #expect(report.failures.allSatisfy {
                guard case .code(let code) = $0.reason else { return true }
                return code.count <= 64
            })
        }
    }

    @Test func runsAndTheirPausesReadBackAsWritten() async throws {
        try await ReportLedger.with(amounts: [100]) { fixture in
            let start = ReportLedger.morning
            let first = try await fixture.ledger.startRun("c1", at: start)
            let quiet = RunPause(from: start.addingTimeInterval(60), until: start.addingTimeInterval(3600), cause: .quietHours)
            try await fixture.ledger.recordPauses([quiet], run: first)
            try await fixture.ledger.finishRun(first, end: .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足")), at: start.addingTimeInterval(120))
            let second = try await fixture.ledger.startRun("c1", at: start.addingTimeInterval(600))

            #expect(try await fixture.ledger.runs("c1") == [
                RunRecord(id: first, startedAt: start, endedAt: start.addingTimeInterval(120),
                          end: .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足")), pauses: [quiet]),
                RunRecord(id: second, startedAt: start.addingTimeInterval(600)),
            ])
        }
    }

    @Test(arguments: [
        RunEnd.complete, .interrupted, .quietWindow(until: ReportLedger.morning), .retriesExhausted(items: 7),
        .merchantRefused(.refused(ErrorCode("CA_ERROR"), message: "证书错误")),
    ])
    func everyRunEndingSurvivesTheLedger(_ end: RunEnd) async throws {
        try await ReportLedger.with(amounts: [100]) { fixture in
            let run = try await fixture.ledger.startRun("c1", at: ReportLedger.morning)
            try await fixture.ledger.finishRun(run, end: end, at: ReportLedger.morning.addingTimeInterval(1))
            #expect(try await fixture.ledger.runs("c1").first?.end == end)
        }
    }
}
