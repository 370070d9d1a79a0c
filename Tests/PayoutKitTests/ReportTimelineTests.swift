import Foundation
@testable import PayoutKit
import Testing

/// The sends chart's time axis and the pauses it marks, from known runs and requests.
@Suite struct ReportTimelineTests {
    static let morning = ReportLedger.morning

    static func minute(_ offset: Int, paid: Int = 10) -> ReportSnapshot.MinuteCount {
        let start = morning.addingTimeInterval(Double(offset) * 60)
        return ReportSnapshot.MinuteCount(minute: start, paid: paid, failed: 0, other: 0, firstRequest: start,
                                          lastRequest: start.addingTimeInterval(50))
    }

    static func at(_ minutes: Double) -> Date {
        morning.addingTimeInterval(minutes * 60)
    }

    @Test func longEmptyTimeIsCutOutOfTheAxisAndShortCampaignsArePadded() {
        let minutes = (0...5).map { Self.minute($0) } + (150...152).map { Self.minute($0) }
        let timeline = SendTimeline(minutes: minutes, anchors: [])
        #expect(timeline.binMinutes == 1)
        #expect(timeline.bins.count == 9)
        #expect(timeline.stretches == [
            DateInterval(start: Self.at(-1), end: Self.at(6)),
            DateInterval(start: Self.at(150), end: Self.at(155)),
        ], "9 busy minutes, padded to 12; the 144 empty minutes between are cut")
    }

    @Test func emptyTimeUpToHalfAnHourIsDrawnToScale() {
        let timeline = SendTimeline(minutes: [Self.minute(0), Self.minute(31)], anchors: [], maxBins: 480)
        #expect(timeline.stretches == [DateInterval(start: Self.at(0), end: Self.at(32))])
    }

    @Test func longCampaignsGetWiderBars() {
        let minutes = (0..<1000).map { Self.minute($0, paid: 1800) }
        let timeline = SendTimeline(minutes: minutes, anchors: [])
        #expect(timeline.binMinutes == 5, "1000 minutes in bars of 1 or 2 minutes are more than 480 bars")
        #expect(timeline.bins.count == 200)
        #expect(timeline.bins.allSatisfy { $0.paid == 5 * 1800 })
    }

    @Test func pausesComeFromTheRunsAndTheirEndings() {
        let runs = [
            RunRecord(id: 1, startedAt: Self.at(0), endedAt: Self.at(5), end: .interrupted,
                      pauses: [RunPause(from: Self.at(1), until: Self.at(60), cause: .quietHours)]),
            RunRecord(id: 2, startedAt: Self.at(20), endedAt: Self.at(22), end: .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足"))),
            RunRecord(id: 3, startedAt: Self.at(40)),
            RunRecord(id: 4, startedAt: Self.at(90), endedAt: Self.at(95), end: .complete),
        ]
        let minutes = [Self.minute(0), Self.minute(20), Self.minute(41), Self.minute(90)]
        #expect(CampaignPause.history(runs: runs, minutes: minutes, campaignFinished: true) == [
            CampaignPause(from: Self.at(1), to: Self.at(5), cause: .quietHours),
            CampaignPause(from: Self.at(5), to: Self.at(20), cause: .stopped(.interrupted)),
            CampaignPause(from: Self.at(22), to: Self.at(40), cause: .stopped(.merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "余额不足")))),
            CampaignPause(from: Self.at(41).addingTimeInterval(50), to: Self.at(90), cause: .unrecorded),
        ], "a pause ends with its run; a run with no ending ended with its last request")
    }

    @Test func aCampaignStillWaitingAfterItsLastRunIsPausedUntilNow() {
        let runs = [RunRecord(id: 1, startedAt: Self.at(0), endedAt: Self.at(3), end: .merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: "")))]
        let open = CampaignPause.history(runs: runs, minutes: [Self.minute(0)], campaignFinished: false)
        #expect(open == [CampaignPause(from: Self.at(3), to: nil, cause: .stopped(.merchantRefused(.refused(ErrorCode("NOTENOUGH"), message: ""))))])
        #expect(CampaignPause.history(runs: runs, minutes: [Self.minute(0)], campaignFinished: true) == [])
    }

    @Test func ticksFallOnRoundBeijingTimesAndNameTheDay() {
        let axis = TimeAxis(stretches: [DateInterval(start: Self.at(-2), end: Self.at(58))], from: 0, to: 600, cutWidth: 30)
        let ticks = axis.ticks(spacing: 80)
        #expect(ticks.map(\.clock) == ["09:30", "09:40", "09:50", "10:00", "10:10", "10:20"])
        #expect(ticks.map(\.day) == ["02-12", nil, nil, nil, nil, nil])
        #expect(abs(ticks[0].x - 20) < 0.001)
    }
}
