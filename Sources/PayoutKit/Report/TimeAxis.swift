import Foundation

/// The sends chart's x axis: a piecewise-linear map from time to pixels. Each stretch of the
/// timeline is drawn to scale; the time cut out between two stretches gets a narrow break of
/// fixed width, so one quiet night does not squash a campaign's busy minutes to a sliver.
struct TimeAxis {
    struct Piece {
        var interval: DateInterval
        var x0: Double
        var x1: Double
        var isCut: Bool
    }

    struct Tick {
        var x: Double
        var clock: String
        /// The Beijing date, on the first tick and wherever the day changes.
        var day: String?
    }

    let pieces: [Piece]
    let pixelsPerMinute: Double

    init(stretches: [DateInterval], from x0: Double, to x1: Double, cutWidth: Double) {
        let cuts = Double(max(0, stretches.count - 1))
        let cut = min(cutWidth, (x1 - x0) * 0.3 / max(1, cuts))
        let minutes = stretches.reduce(0) { $0 + $1.duration / 60 }
        pixelsPerMinute = minutes > 0 ? (x1 - x0 - cuts * cut) / minutes : 0
        var pieces: [Piece] = []
        var x = x0
        for stretch in stretches {
            if let previous = pieces.last {
                pieces.append(Piece(interval: DateInterval(start: previous.interval.end, end: max(previous.interval.end, stretch.start)),
                                    x0: x, x1: x + cut, isCut: true))
                x += cut
            }
            let width = stretch.duration / 60 * pixelsPerMinute
            pieces.append(Piece(interval: stretch, x0: x, x1: x + width, isCut: false))
            x += width
        }
        self.pieces = pieces
    }

    func x(_ date: Date) -> Double {
        guard let first = pieces.first, let last = pieces.last else { return 0 }
        guard date > first.interval.start else { return first.x0 }
        guard let piece = pieces.first(where: { date < $0.interval.end }) else { return last.x1 }
        let share = piece.interval.duration > 0 ? date.timeIntervalSince(piece.interval.start) / piece.interval.duration : 0
        return piece.x0 + share * (piece.x1 - piece.x0)
    }

    static let tickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]

    /// Ticks on round Beijing times, at least `spacing` pixels apart; a stretch too short for a
    /// round time gets its start labelled, if there is room.
    func ticks(spacing: Double) -> [Tick] {
        let step = Self.tickSteps.first { Double($0) * pixelsPerMinute >= spacing } ?? Self.tickSteps.last!
        var ticks: [Tick] = []
        var lastX = -Double.infinity
        var lastDay = ""
        func add(_ date: Date) {
            let x = x(date)
            guard x - lastX >= spacing * 0.9 else { return }
            let day = BeijingTime.dateStamp(date)
            ticks.append(Tick(x: x, clock: BeijingTime.clockTime(date), day: day == lastDay ? nil : ReportFormat.monthDay(date)))
            lastX = x
            lastDay = day
        }
        for piece in pieces where !piece.isCut {
            let count = ticks.count
            var minute = Self.beijingMinute(piece.interval.start)
            minute += (step - minute % step) % step
            while Self.date(beijingMinute: minute) <= piece.interval.end {
                add(Self.date(beijingMinute: minute))
                minute += step
            }
            if ticks.count == count { add(piece.interval.start) }
        }
        return ticks
    }

    private static func beijingMinute(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 60).rounded(.up)) + BeijingTime.offsetSeconds / 60
    }

    private static func date(beijingMinute minute: Int) -> Date {
        Date(timeIntervalSince1970: Double((minute - BeijingTime.offsetSeconds / 60) * 60))
    }
}
