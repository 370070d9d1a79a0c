/// The claim curve as inline SVG: the share of sent packets claimed against hours since each
/// packet was sent, 0–24 h on a linear axis, as a blue line; right of the day, one stacked
/// column of every sent packet as it stands now — claimed (at any time), refunded, on its way
/// back, not claimed yet — so the refunds read as the remainder of 100%. Drawn in both
/// `ChartLayout`s; percent grid and hour ticks like the sends chart's.
struct ClaimChart: ReportChart {
    let curve: ClaimCurve
    let layout: ChartLayout

    /// Hour steps for the ticks, the first that leaves room for a label such as `12 h`.
    static let tickHours = [1, 2, 3, 4, 6, 12]

    var columnWidth: Double { layout.font * 3.2 }
    var columnLeft: Double { layout.right - columnWidth }
    /// Where the day ends, a gap left of the column.
    var dayRight: Double { columnLeft - layout.font * 2 }

    func x(minutes: Int) -> Double {
        layout.left + Double(minutes) / Double(ClaimCurve.horizonMinutes) * (dayRight - layout.left)
    }

    /// The height of `count` packets among the sent ones.
    func y(_ count: Int) -> Double {
        layout.plotBottom - Double(count) / Double(curve.sent) * (layout.plotBottom - layout.top)
    }

    var svg: HTML {
        let l = layout
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(l.name)" viewBox="0 0 \(Int(l.width)) \(Int(l.height))" \
            role="img" aria-labelledby="claims-alt" font-size="\(Int(l.font))">\
            \(grid)\(intervalTitles)\(line)\(column)\(xAxis)</svg>
            """
    }

    var grid: HTML {
        let lines: [HTML] = stride(from: 0, through: 100, by: 25).map { percent in
            gridLine(y: layout.plotBottom - Double(percent) / 100 * (layout.plotBottom - layout.top), label: "\(percent)%")
        }
        return "\(lines)\(yTitle("claimed, % of sent packets"))"
    }

    /// Hover details for each row of the table, over its stretch of the day.
    var intervalTitles: HTML {
        guard layout.hoverTitles else { return "" }
        var start = 0
        let parts: [HTML] = curve.intervals.compactMap { interval in
            guard let limit = interval.withinMinutes else { return nil }
            defer { start = limit }
            return """
                <rect x="\(Self.number(x(minutes: start)))" y="\(Self.number(layout.top))" \
                width="\(Self.number(x(minutes: limit) - x(minutes: start)))" height="\(Self.number(layout.plotBottom - layout.top))" \
                fill="transparent"><title>\(ClaimsSection.describe(interval, of: curve))</title></rect>
                """
        }
        return "\(parts)"
    }

    /// The curve, the share it reaches at 24 h, and a dotted guide from there to the column.
    var line: HTML {
        let points = curve.points
        let path = points.enumerated().map { index, point in
            (index == 0 ? "M" : "L") + Self.number(x(minutes: point.minute)) + " " + Self.number(y(point.claimed))
        }.joined()
        let end = curve.claimedWithinDay, endY = Self.number(y(end)), endX = Self.number(dayRight)
        return """
            <path d="\(path)" fill="none" stroke="\(ChartPalette.paid)" stroke-width="\(Self.number(layout.font * 0.2))" \
            stroke-linejoin="round"/><line x1="\(endX)" x2="\(Self.number(columnLeft))" y1="\(endY)" y2="\(endY)" \
            stroke="\(ChartPalette.paid)" stroke-dasharray="2 3"/><text x="\(endX)" y="\(Self.number(y(end) - layout.font * 0.6))" \
            text-anchor="end" fill="\(ChartPalette.paid)" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">\
            \(ReportFormat.percent(permille: curve.permille(end))) within 24 h</text>
            """
    }

    /// Every sent packet now, bottom to top: claimed, refunded, refunding, not claimed yet.
    var column: HTML {
        let packets = curve.packets
        var base = 0
        var parts: [HTML] = []
        for part in ClaimsSection.fates(packets) where part.tally.count > 0 {
            let top = base + part.tally.count
            let title: HTML = layout.hoverTitles
                ? "<title>\(part.name): \(ReportFormat.count(part.tally.count)) (\(ReportFormat.percent(permille: curve.permille(part.tally.count))))</title>"
                : ""
            parts.append("""
                <rect x="\(Self.number(columnLeft))" y="\(Self.number(y(top)))" width="\(Self.number(columnWidth))" \
                height="\(Self.number(y(base) - y(top)))" fill="\(part.colour)" fill-opacity="\(part.opacity)">\(title)</rect>
                """)
            base = top
        }
        return "\(parts)"
    }

    var xAxis: HTML {
        let perHour = (dayRight - layout.left) / 24
        let step = Self.tickHours.first { Double($0) * perHour >= layout.font * 3.2 } ?? 12
        let ticks = stride(from: 0, through: 24, by: step).map { hour -> (x: Double, label: HTML) in
            (x(minutes: hour * 60), "\(hour) h")
        }
        let middle = Self.number(columnLeft + columnWidth / 2)
        return """
            \(xAxis(ticks: ticks, end: dayRight, title: "hours since each packet was sent"))\
            <text x="\(middle)" y="\(Self.number(layout.plotBottom + layout.font * 1.5))" text-anchor="middle" \
            fill="\(ChartPalette.ink)">now</text>
            """
    }
}
