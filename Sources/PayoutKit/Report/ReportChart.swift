import Foundation

/// What the report's charts share besides their layouts: coordinates to a tenth of a pixel,
/// the horizontal grid with its values, the axis titles and the x axis with its ticks — so
/// every chart on the page reads alike.
protocol ReportChart {
    var layout: ChartLayout { get }
}

extension ReportChart {
    /// Coordinates to a tenth of a pixel keep the file small.
    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// A grid line across the plot at `y`, with its value left of the plot.
    func gridLine(y: Double, label: String) -> HTML {
        let l = layout, y = Self.number(y)
        return """
            <line x1="\(Self.number(l.left))" x2="\(Self.number(l.right))" y1="\(y)" y2="\(y)" stroke="\(ChartPalette.grid)"/>\
            <text x="\(Self.number(l.left - l.font * 0.6))" y="\(y)" text-anchor="end" dominant-baseline="central" \
            fill="\(ChartPalette.muted)">\(label)</text>
            """
    }

    /// The y axis's title, running up the left edge.
    func yTitle(_ title: String) -> HTML {
        let middle = Self.number((layout.top + layout.plotBottom) / 2), x = Self.number(layout.font * 0.8)
        return """
            <text x="\(x)" y="\(middle)" transform="rotate(-90 \(x) \(middle))" text-anchor="middle" \
            dominant-baseline="central" fill="\(ChartPalette.ink)">\(title)</text>
            """
    }

    /// The x axis from the plot's left edge to `end`: its line, a tick under each label, and
    /// its title (with the unit) in the bottom right corner.
    func xAxis(ticks: [(x: Double, label: HTML)], end: Double, title: String) -> HTML {
        let l = layout, bottom = Self.number(l.plotBottom)
        var parts: [HTML] = ["""
            <line x1="\(Self.number(l.left))" x2="\(Self.number(end))" y1="\(bottom)" y2="\(bottom)" stroke="\(ChartPalette.ink)"/>
            """]
        for tick in ticks {
            let x = Self.number(tick.x)
            parts.append("""
                <line x1="\(x)" x2="\(x)" y1="\(bottom)" y2="\(Self.number(l.plotBottom + l.font * 0.4))" stroke="\(ChartPalette.ink)"/>\
                <text x="\(x)" y="\(Self.number(l.plotBottom + l.font * 1.5))" text-anchor="middle" fill="\(ChartPalette.ink)">\(tick.label)</text>
                """)
        }
        parts.append("""
            <text x="\(Self.number(l.right))" y="\(Self.number(l.height - l.font * 0.3))" text-anchor="end" fill="\(ChartPalette.ink)">\
            \(title)</text>
            """)
        return "\(parts)"
    }
}
