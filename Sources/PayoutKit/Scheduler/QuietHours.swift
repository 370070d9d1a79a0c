import Foundation

/// A daily window in Beijing time when no red packet may be sent (WeChat Pay's
/// TIME_LIMITED rule: 00:00–08:00 by default). Written `HH:MM-HH:MM`; a window whose end
/// is before its start runs past midnight.
public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
    /// Minutes since Beijing midnight.
    public let start: Int
    public let end: Int

    public static let `default` = QuietHours(start: 0, end: 8 * 60)

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`; nil if the text is not of that shape.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end else {
            return nil
        }
        self.init(start: start, end: end)
    }

    public func contains(_ date: Date) -> Bool {
        let minute = BeijingTime.secondsIntoDay(date) / 60
        return start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
    }

    /// The first moment at or after `date` outside the window.
    public func end(after date: Date) -> Date {
        guard contains(date) else { return date }
        let seconds = BeijingTime.secondsIntoDay(date)
        var wait = end * 60 - seconds
        if wait <= 0 { wait += 86_400 }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 + Double(wait)).rounded(.down))
    }

    public var description: String {
        "\(Self.clock(start))-\(Self.clock(end))"
    }

    private static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(rest < 10 ? "0" : "")\(rest)"
    }

    private static func minutes(_ text: Substring) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hours = Int(pieces[0]), let minutes = Int(pieces[1]),
              (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 24 * 60 else {
            return nil
        }
        return (hours * 60 + minutes) % (24 * 60)
    }
}
