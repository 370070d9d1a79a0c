import Foundation

/// How the report prints numbers, money and time: yuan from integer fen with grouped
/// thousands, Beijing time, durations in words a manager reads at a glance.
enum ReportFormat {
    /// `¥1,234,567.89`: `Amount`'s exact yuan, grouped.
    static func yuan(_ amount: Amount) -> String {
        let text = amount.description
        let sign = text.hasPrefix("-") ? "-" : ""
        let digits = text.drop { $0 == "-" }
        let point = digits.firstIndex(of: ".") ?? digits.endIndex
        return sign + "¥" + grouped(String(digits[..<point])) + String(digits[point...])
    }

    static func count(_ number: Int) -> String {
        (number < 0 ? "-" : "") + grouped(String(number.magnitude))
    }

    /// Tenths of a percent as `39.2%`.
    static func percent(permille: Int) -> String {
        "\(permille / 10).\(permille % 10)%"
    }

    /// An axis value: whole numbers grouped, fractions (slow campaigns, wide bins) as they are.
    static func rate(_ value: Double) -> String {
        value == value.rounded() ? count(Int(value)) : String(format: "%g", value)
    }

    /// `2027-02-12 09:30:05`, Beijing time.
    static func dateTime(_ date: Date) -> String {
        String(BeijingTime.iso8601(date).prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    /// `02-12`, the Beijing date without its year.
    static func monthDay(_ date: Date) -> String {
        String(BeijingTime.iso8601(date).dropFirst(5).prefix(5))
    }

    /// `45 s`, `3 min 20 s`, `8 h 02 min`, `2 d 4 h`.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60, rest = total % 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes < 10 ? "0" : "")\(minutes) min" }
        if minutes > 0 { return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s" }
        return "\(rest) s"
    }

    private static func grouped(_ digits: String) -> String {
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
