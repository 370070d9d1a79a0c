import Foundation

/// The marks of the sends chart, back to front.
extension SendsChart {

    var cutBackgrounds: HTML {
        let parts: [HTML] = axis.pieces.filter(\.isCut).map { piece in
            """
            <rect x="\(Self.number(piece.x0))" y="\(Self.number(layout.top))" width="\(Self.number(piece.x1 - piece.x0))" \
            height="\(Self.number(layout.plotBottom - layout.top))" fill="#F3F4F6"/>
            """
        }
        return "\(parts)"
    }

    /// Each break in the axis says how much time it stands for.
    var cutLabels: HTML {
        let parts: [HTML] = axis.pieces.filter(\.isCut).map { piece in
            let x = Self.number((piece.x0 + piece.x1) / 2), y = Self.number((layout.top + layout.plotBottom) / 2)
            let bottom = layout.plotBottom, tick = layout.font / 2
            let duration = ReportFormat.duration(piece.interval.duration)
            return """
                <g><title>\(duration) without requests, \(ReportFormat.dateTime(piece.interval.start)) to \
                \(ReportFormat.dateTime(piece.interval.end)) Beijing time: left out of the time axis</title>\
                <text x="\(x)" y="\(y)" transform="rotate(-90 \(x) \(y))" text-anchor="middle" dominant-baseline="central" \
                fill="\(ChartPalette.muted)" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">\(duration)</text>\
                <path d="M\(Self.number(piece.x0 - tick / 2)) \(Self.number(bottom + tick))l\(Self.number(tick)) \(Self.number(-2 * tick))\
                M\(Self.number(piece.x1 - tick / 2)) \(Self.number(bottom + tick))l\(Self.number(tick)) \(Self.number(-2 * tick))" \
                stroke="\(ChartPalette.muted)" stroke-width="1.5" fill="none"/></g>
                """
        }
        return "\(parts)"
    }

    var pauseBands: HTML {
        let parts: [HTML] = pauses.map { pause in
            let x0 = axis.x(pause.from), x1 = axis.x(pause.to ?? end)
            return """
                <rect x="\(Self.number(x0))" y="\(Self.number(layout.top))" width="\(Self.number(max(2, x1 - x0)))" \
                height="\(Self.number(layout.plotBottom - layout.top))" fill="url(#hatch-\(layout.name))"/>
                """
        }
        return "\(parts)"
    }

    var grid: HTML {
        let lines: [HTML] = stride(from: 0, through: yMax + yStep / 2, by: yStep).map { value in
            gridLine(y: plotY(value), label: ReportFormat.rate(value))
        }
        return "\(lines)\(yTitle("requests per minute"))"
    }

    var bars: HTML {
        let minutes = Double(timeline.binMinutes)
        let parts: [HTML] = timeline.bins.map { bin in
            let x0 = axis.x(bin.start), x1 = axis.x(bin.start.addingTimeInterval(minutes * 60))
            let gap = x1 - x0 >= 4 ? min((x1 - x0) * 0.2, 3) : 0
            let width = Self.number(max(0.8, x1 - x0 - gap)), x = Self.number(x0 + gap / 2)
            var base = 0.0
            var rects: [HTML] = []
            for (count, colour) in [(bin.paid, ChartPalette.paid), (bin.failed, ChartPalette.failed), (bin.other, ChartPalette.noFinalAnswer)]
            where count > 0 {
                let top = base + Double(count) / minutes
                rects.append("""
                    <rect x="\(x)" y="\(Self.number(plotY(top)))" width="\(width)" height="\(Self.number(plotY(base) - plotY(top)))" fill="\(colour)"/>
                    """)
                base = top
            }
            return layout.hoverTitles ? "<g><title>\(barTitle(bin))</title>\(rects)</g>" : "\(rects)"
        }
        return "\(parts)"
    }

    private func barTitle(_ bin: SendTimeline.Bin) -> String {
        let end = bin.start.addingTimeInterval(Double(timeline.binMinutes) * 60)
        let when = timeline.binMinutes == 1 ? BeijingTime.clockTime(bin.start) : "\(BeijingTime.clockTime(bin.start))–\(BeijingTime.clockTime(end))"
        return "\(when) Beijing time · \(ReportFormat.count(bin.total)) requests: \(ReportFormat.count(bin.paid)) paid, "
            + "\(ReportFormat.count(bin.failed)) failed, \(ReportFormat.count(bin.other)) without a final answer"
    }

    var limitLine: HTML {
        guard showsLimit else { return "" }
        let y = Self.number(plotY(Double(limit)))
        return """
            <line x1="\(Self.number(layout.left))" x2="\(Self.number(layout.right))" y1="\(y)" y2="\(y)" stroke="\(ChartPalette.limit)" \
            stroke-width="1.5" stroke-dasharray="6 4"/><text x="\(Self.number(layout.right))" y="\(Self.number(plotY(Double(limit)) - layout.font * 0.5))" \
            text-anchor="end" fill="\(ChartPalette.limit)" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">\
            limit \(ReportFormat.count(limit)) / min</text>
            """
    }

    var xAxis: HTML {
        let ticks = axis.ticks(spacing: layout.tickSpacing).map { tick -> (x: Double, label: HTML) in
            let day: HTML = tick.day.map { "<tspan x=\"\(Self.number(tick.x))\" dy=\"1.2em\" fill=\"\(ChartPalette.muted)\">\($0)</tspan>" } ?? ""
            return (tick.x, "\(tick.clock)\(day)")
        }
        return xAxis(ticks: ticks, end: layout.right, title: "Beijing time (UTC+8)")
    }

    /// Numbered circles above the pauses, in up to two rows so that close pauses stay legible.
    var pauseMarkers: HTML {
        let radius = layout.font * 0.75
        var rowEnds = [-Double.infinity, -Double.infinity]
        var parts: [HTML] = []
        for (index, pause) in pauses.enumerated() {
            let middle = (axis.x(pause.from) + axis.x(pause.to ?? end)) / 2
            let x = min(max(middle, layout.left + radius), layout.right - radius)
            let row = rowEnds.firstIndex { x - $0 >= 2 * radius + 2 } ?? 0
            rowEnds[row] = x
            let y = layout.top - radius - 4 - Double(row) * (2 * radius + 3)
            parts.append("""
                <g><title>Pause \(index + 1): \(RunWording.summary(pause))</title>\
                <line x1="\(Self.number(middle))" x2="\(Self.number(middle))" y1="\(Self.number(y + radius))" y2="\(Self.number(layout.top))" \
                stroke="\(ChartPalette.ink)"/><circle cx="\(Self.number(x))" cy="\(Self.number(y))" r="\(Self.number(radius))" fill="\(ChartPalette.ink)"/>\
                <text x="\(Self.number(x))" y="\(Self.number(y))" text-anchor="middle" dominant-baseline="central" fill="#FFFFFF" \
                font-size="\(Self.number(layout.font * 0.85))">\(index + 1)</text></g>
                """)
        }
        return "\(parts)"
    }
}
