import Foundation

/// Requests per minute as inline SVG: stacked bars (paid, failed, no final answer), pauses as
/// hatched bands with numbered markers keyed to the pause table, cut-out time as narrow grey
/// breaks, the manifest's per-minute limit as a dashed line, Beijing-time ticks.
///
/// Drawn twice, in the wide and the narrow `ChartLayout`.
struct SendsChart: ReportChart {
    let timeline: SendTimeline
    let pauses: [CampaignPause]
    let limit: Int
    let end: Date
    let layout: ChartLayout
    let axis: TimeAxis
    /// The busiest bin's requests per minute.
    let peak: Double
    let yStep: Double
    let yMax: Double

    init(report: CampaignReport, layout: ChartLayout) {
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
}
