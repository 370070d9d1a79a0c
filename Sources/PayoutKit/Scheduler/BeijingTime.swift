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

    /// The next Beijing midnight after `date`, exactly: a pause until then ends on the day's
    /// first instant, whatever fraction of a second `date` carried.
    public static func nextDay(after date: Date) -> Date {
        let days = ((date.timeIntervalSince1970 + TimeInterval(offsetSeconds)) / 86_400).rounded(.down)
        return Date(timeIntervalSince1970: (days + 1) * 86_400 - TimeInterval(offsetSeconds))
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
        guard bytes.count == 29, text.hasSuffix("+08:00"), let millis = number(bytes[20..<23]) else { return nil }
        return date(bytes)?.addingTimeInterval(Double(millis) / 1000)
    }

    /// Reads the API's own times (`send_time`, `rcv_time`, `refund_time`): Beijing time as
    /// `yyyy-MM-dd HH:mm:ss`. Anything else is nil: answers are untrusted text.
    public static func date(fromAPITimestamp text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: " ") else { return nil }
        return date(bytes)
    }

    /// The date and time of day at the head of `yyyy-MM-dd?HH:mm:ss…`, on the Beijing calendar.
    private static func date(_ bytes: [UInt8]) -> Date? {
        let dashes = bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
        let colons = bytes[13] == UInt8(ascii: ":") && bytes[16] == UInt8(ascii: ":")
        guard dashes, colons, let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
              let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]), let second = number(bytes[17..<19])
        else { return nil }
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
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
