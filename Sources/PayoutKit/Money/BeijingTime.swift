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
