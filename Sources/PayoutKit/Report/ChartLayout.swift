/// The two sizes every chart of the report is drawn in, because SVG text scales with the
/// drawing: CSS shows the variant whose labels stay readable at the screen's width — the
/// wide one at 1280 px and on paper, the narrow one, with larger type, on a phone.
struct ChartLayout {
    var name: String
    var width: Double
    var height: Double
    var font: Double
    var left: Double
    var top: Double
    var bottom: Double
    /// The sends chart's breaks in its time axis, where long quiet stretches are cut out.
    var cutWidth: Double
    /// The least room between two tick labels of clock times.
    var tickSpacing: Double
    /// Hover details per mark: only where there is a pointer to hover with.
    var hoverTitles: Bool

    static let wide = ChartLayout(name: "wide", width: 1000, height: 340, font: 13, left: 70, top: 44, bottom: 56,
                                  cutWidth: 30, tickSpacing: 80, hoverTitles: true)
    static let narrow = ChartLayout(name: "narrow", width: 560, height: 480, font: 22, left: 112, top: 72, bottom: 96,
                                    cutWidth: 44, tickSpacing: 130, hoverTitles: false)

    var right: Double { width - font * 1.5 }
    var plotBottom: Double { height - bottom }
}
