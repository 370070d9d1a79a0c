import Foundation

/// Requests per minute as inline SVG: stacked bars (paid, failed, no final answer), pauses as
/// hatched bands with numbered markers keyed to the pause table, cut-out time as narrow grey
/// breaks, the manifest's per-minute limit as a dashed line, Beijing-time ticks.
///
/// Drawn twice, wide and narrow, because SVG text scales with the drawing: CSS shows the
/// variant whose labels stay readable at the screen's width (and the wide one on paper).
struct SendsChart {
    struct Layout {
        var name: String
        var width: Double
        var height: Double
        var font: Double
        var left: Double
        var top: Double
        var bottom: Double
        var cutWidth: Double
        var tickSpacing: Double
        /// Hover details per bar: only where there is a pointer to hover with.
        var barTitles: Bool

        static let wide = Layout(name: "wide", width: 1000, height: 340, font: 13, left: 70, top: 44, bottom: 56,
                                 cutWidth: 30, tickSpacing: 80, barTitles: true)
        static let narrow = Layout(name: "narrow", width: 560, height: 480, font: 22, left: 112, top: 72, bottom: 96,
                                   cutWidth: 44, tickSpacing: 130, barTitles: false)

        var right: Double { width - font * 1.5 }
        var plotBottom: Double { height - bottom }
    }

    let timeline: SendTimeline
    let pauses: [CampaignPause]
    let limit: Int
    let end: Date
    let layout: Layout
    let axis: TimeAxis
    /// The busiest bin's requests per minute.
    let peak: Double
    let yStep: Double
    let yMax: Double

    init(report: CampaignReport, layout: Layout) {
        timeline = report.timeline
        pauses = report.pauses
        limit = report.settings.perMinute
        end = report.generatedAt
        self.layout = layout
        axis = TimeAxis(stretches: timeline.stretches, from: layout.left, to: layout.right, cutWidth: layout.cutWidth)
        let timeline = report.timeline
        let peak = timeline.bins.map { Double($0.total) / Double(timeline.binMinutes) }.max() ?? 0
        self.peak = peak
        let top = max(peak, Self.limitMatters(peak: peak, limit: limit) ? Double(limit) : 0, 1)
        yStep = max(Self.niceStep(top / 4), timeline.binMinutes == 1 ? 1 : 0)
        yMax = (top * 1.04 / yStep).rounded(.up) * yStep
    }

    /// The limit line only helps when the sends come near it; otherwise it flattens the bars.
    var showsLimit: Bool {
        Self.limitMatters(peak: peak, limit: limit)
    }

    private static func limitMatters(peak: Double, limit: Int) -> Bool {
        peak * 4 >= Double(limit)
    }

    var svg: HTML {
        let l = layout
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(l.name)" viewBox="0 0 \(Int(l.width)) \(Int(l.height))" \
            role="img" aria-labelledby="sends-alt" font-size="\(Int(l.font))">\
            <defs><pattern id="hatch-\(l.name)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
            <rect width="6" height="6" fill="#F3F4F6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#A8AEB5" stroke-width="2"/></pattern></defs>\
            \(cutBackgrounds)\(pauseBands)\(cutLabels)\(grid)\(bars)\(limitLine)\(xAxis)\(pauseMarkers)</svg>
            """
    }

    func plotY(_ rate: Double) -> Double {
        layout.plotBottom - rate / yMax * (layout.plotBottom - layout.top)
    }

    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Coordinates to a tenth of a pixel keep the file small.
    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
