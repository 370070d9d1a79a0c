import Foundation

/// WeChat Pay's calendar runs on Beijing time (UTC+8, no daylight saving), whatever zone
/// the machine is set to: bill-number dates and the quiet window are both read from it.
public enum BeijingTime {
    public static let offsetSeconds = 8 * 3600

    /// `yyyymmdd` of the Beijing date at `date`.
    public static func dateStamp(_ date: Date) -> String {
        let components = calendar.dateComponents([.year, .month, .day], from: date)
        let year = components.year!, month = components.month!, day = components.day!
        return String(format: "%04d%02d%02d", year, month, day)
    }

    /// Seconds since Beijing midnight at `date`.
    public static func secondsIntoDay(_ date: Date) -> Int {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        return ((local % 86_400) + 86_400) % 86_400
    }

    /// ISO 8601 with milliseconds and the +08:00 offset, e.g. `2027-02-12T09:30:00.250+08:00`:
    /// what reports and journals show, so operators read the same clock WeChat Pay uses.
    public static func iso8601(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = (c.nanosecond ?? 0) / 1_000_000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, millis)
    }

    /// Reads back what `iso8601` wrote (`yyyy-MM-ddTHH:mm:ss.SSS+08:00`).
    public static func date(fromISO8601 text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, text.hasSuffix("+08:00") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), let millis = number(20..<23),
              let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
        else { return nil }
        return date.addingTimeInterval(Double(millis) / 1000)
    }

    /// `HH:MM` on the Beijing clock, as the operator is told when a pause ends.
    public static func clockTime(_ date: Date) -> String {
        let seconds = secondsIntoDay(date)
        return String(format: "%02d:%02d", seconds / 3600, seconds % 3600 / 60)
    }

    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetSeconds)!
        return calendar
    }()
}
