import Foundation

/// The sends chart's time axis and bars: requests binned by minute (or by a few minutes, so a
/// long campaign keeps at most `maxBins` bars), on stretches of time drawn to scale. Empty
/// time longer than half an hour — a night's quiet hours, a weekend between runs — is cut out
/// of the axis, so the minutes that matter stay wide enough to read.
public struct SendTimeline: Sendable, Equatable {
    public struct Bin: Sendable, Equatable {
        public var start: Date
        public var paid = 0
        public var failed = 0
        public var other = 0

        public var total: Int { paid + failed + other }
    }

    public var binMinutes: Int
    /// Drawn to scale, oldest first; the time between two stretches is cut out.
    public var stretches: [DateInterval]
    /// Bins with requests, oldest first.
    public var bins: [Bin]

    public static let binSizes = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440]
    /// Empty time drawn to scale at most (unless it is only three bins).
    public static let longestGapToScale = 30
    /// A campaign of a few minutes still gets an axis this many bins long, centred on it.
    public static let minimumBins = 12

    /// `anchors` are moments the axis must show although nothing was sent then: run starts
    /// and ends, pauses.
    public init(minutes: [ReportSnapshot.MinuteCount], anchors: [Date], maxBins: Int = 480) {
        let moments = minutes.map(\.minute) + anchors
        func spans(_ size: Int) -> [ClosedRange<Int>] {
            Self.spans(Set(moments.map { Self.index($0, size) }).sorted(), size: size)
        }
        let size = Self.binSizes.first { spans($0).reduce(0) { $0 + $1.count } <= maxBins } ?? Self.binSizes.last!
        binMinutes = size
        stretches = Self.padded(spans(size)).map {
            DateInterval(start: Self.start(of: $0.lowerBound, size), end: Self.start(of: $0.upperBound + 1, size))
        }
        var bins: [Bin] = []
        for minute in minutes {
            let start = Self.start(of: Self.index(minute.minute, size), size)
            if bins.last?.start != start { bins.append(Bin(start: start)) }
            bins[bins.count - 1].paid += minute.paid
            bins[bins.count - 1].failed += minute.failed
            bins[bins.count - 1].other += minute.other
        }
        self.bins = bins
    }

    /// Minutes since the Unix epoch on the Beijing clock, so bins of an hour or a day start on
    /// Beijing's hours and midnights.
    private static func index(_ date: Date, _ size: Int) -> Int {
        (Int((date.timeIntervalSince1970 / 60).rounded(.down)) + BeijingTime.offsetSeconds / 60) / size
    }

    private static func start(of index: Int, _ size: Int) -> Date {
        Date(timeIntervalSince1970: Double((index * size - BeijingTime.offsetSeconds / 60) * 60))
    }

    /// Consecutive occupied bins, joined across empty time short enough to draw to scale.
    private static func spans(_ indices: [Int], size: Int) -> [ClosedRange<Int>] {
        let allowedEmpty = max(3, longestGapToScale / size)
        var spans: [ClosedRange<Int>] = []
        for index in indices {
            if let last = spans.last, index - last.upperBound - 1 <= allowedEmpty {
                spans[spans.count - 1] = last.lowerBound...index
            } else {
                spans.append(index...index)
            }
        }
        return spans
    }

    private static func padded(_ spans: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        let missing = minimumBins - spans.reduce(0) { $0 + $1.count }
        guard missing > 0, !spans.isEmpty else { return spans }
        var result = spans
        result[0] = (result[0].lowerBound - missing / 2)...result[0].upperBound
        let last = result.count - 1
        result[last] = result[last].lowerBound...(result[last].upperBound + missing - missing / 2)
        return result
    }
}
