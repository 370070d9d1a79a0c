import Foundation
@testable import PayoutKit
import Testing

@Suite struct MoneyTests {
    @Test func billNumberIsMchIDDateAndTenDigits() {
        let bill = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 42)
        #expect(bill.rawValue == "10000098202702120000000042")
        #expect(BillNumber.isWellFormed(bill.rawValue))
        #expect(BillNumber(mchID: "1234567890", dateStamp: "20270212", sequence: 9_999_999_999).rawValue.count == 28)
    }

    @Test(arguments: ["", "abc", "10000098-2027021200000042", "1000009820270212000000004X", "12345678901234567890123456789"])
    func malformedBillNumbersAreRefused(_ text: String) {
        #expect(BillNumber(text) == nil)
    }

    @Test func amountsPrintAsYuan() {
        #expect(Amount(fen: 0).description == "0.00")
        #expect(Amount(fen: 5).description == "0.05")
        #expect(Amount(fen: 137322).description == "1373.22")
        #expect(Amount(fen: -150).description == "-1.50")
    }

    /// 2027-02-11T19:30:00Z is 03:30 on the 12th in Beijing, whatever the machine's zone.
    static let beijingHalfPastThree = Date(timeIntervalSince1970: 1_802_374_200)

    @Test func beijingDateAndTimeIgnoreTheMachineZone() {
        #expect(BeijingTime.dateStamp(Self.beijingHalfPastThree) == "20270212")
        #expect(BeijingTime.clockTime(Self.beijingHalfPastThree) == "03:30")
        #expect(BeijingTime.iso8601(Self.beijingHalfPastThree) == "2027-02-12T03:30:00.000+08:00")
        let withMillis = Self.beijingHalfPastThree.addingTimeInterval(0.25)
        #expect(BeijingTime.date(fromISO8601: BeijingTime.iso8601(withMillis)) == withMillis)
        #expect(BeijingTime.date(fromISO8601: "2027-02-12T03:30:00.000Z") == nil)
    }

    @Test func theNextBeijingMidnightIsExactWhateverTheFraction() {
        let midnight = BeijingTime.nextDay(after: Self.beijingHalfPastThree)
        #expect(BeijingTime.iso8601(midnight) == "2027-02-13T00:00:00.000+08:00")
        #expect(BeijingTime.nextDay(after: Self.beijingHalfPastThree.addingTimeInterval(0.75)) == midnight)
        #expect(BeijingTime.nextDay(after: midnight.addingTimeInterval(-0.001)) == midnight)
        #expect(BeijingTime.nextDay(after: midnight) == midnight.addingTimeInterval(86_400), "after, never at")
    }

    @Test func quietHoursContainTheNightAndEndAtEight() throws {
        let quiet = QuietHours.default
        #expect(quiet.contains(Self.beijingHalfPastThree))
        let end = quiet.end(after: Self.beijingHalfPastThree)
        #expect(BeijingTime.iso8601(end) == "2027-02-12T08:00:00.000+08:00")
        #expect(!quiet.contains(end))
        #expect(quiet.contains(end.addingTimeInterval(-1)))
        #expect(quiet.end(after: end) == end)
    }

    @Test func quietHoursMayWrapMidnight() throws {
        let late = try #require(QuietHours(parsing: "22:00-06:00"))
        #expect(late.contains(Self.beijingHalfPastThree))
        #expect(late.contains(Self.beijingHalfPastThree.addingTimeInterval(-5 * 3600)))
        #expect(!late.contains(Self.beijingHalfPastThree.addingTimeInterval(3 * 3600)))
        #expect(BeijingTime.clockTime(late.end(after: Self.beijingHalfPastThree.addingTimeInterval(-5 * 3600))) == "06:00")
    }

    @Test(arguments: ["", "8-9", "24:01-08:00", "00:00-00:00", "0:00-8:00", "aa:bb-cc:dd", "00:00-08:00-09:00"])
    func malformedQuietHoursAreRefused(_ text: String) {
        #expect(QuietHours(parsing: text) == nil)
    }
}
